"""What every onboarding service shares: the tenant check, who to tell, and e-mail to the
applicant (who has no account). Transitions run through ``channelhub.workflow``, roles
through ``channelhub.roles``."""

import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from channelhub import roles
from channelhub.mail import queue_templated_email
from channelhub.notifications import Kind, Text, notify
from channelhub.tenancy import TenantNotActive, get_current_tenant
from onboarding.models import ApplicantLink, Application


def in_reach(application) -> Application:
    """``application``, once it is known to be the active tenant's: another tenant's
    application is out of reach, as if it did not exist (``DoesNotExist``)."""
    tenant = get_current_tenant()
    if tenant is None:
        raise TenantNotActive("onboarding services run with the application's tenant active")
    if application.tenant_id != tenant.pk:
        raise Application.DoesNotExist("No application of the active tenant has this id.")
    return application


def staff_url(application) -> str:
    return reverse("onboarding:detail", kwargs={"tenant_slug": application.tenant.slug, "pk": application.pk})


def tell_staff(application, users, title, body="") -> None:
    """In-app notification (and e-mail) after commit, to the people who act next. ``title`` and
    ``body`` are ``notifications.Text`` (each reader's language) or what a person typed."""
    notify(
        [u for u in users if u is not None],
        kind=Kind.ONBOARDING,
        tenant=application.tenant,
        title=Text(gettext_noop("%(company)s: %(title)s"), company=application.company_name, title=title),
        body=body,
        url=staff_url(application),
    )


def tell_owner(application, title, body="") -> None:
    recipients = (
        [application.owner] if application.owner_id else roles.members_with(roles.Role.CHANNEL_SUPERVISOR)
    )
    tell_staff(application, recipients, title, body)


def new_applicant_link(application) -> str:
    token = secrets.token_urlsafe(24)
    ApplicantLink.objects.create(
        tenant_id=application.tenant_id, application=application, token_hash=ApplicantLink.hash_token(token)
    )
    return settings.SITE_URL + reverse("join:status", kwargs={"org": application.tenant.slug, "token": token})


def email_applicant(application, template: str, **context) -> None:
    """E-mail the applicant in their language, with a fresh private link; sent after commit."""
    link = new_applicant_link(application)
    queue_templated_email(
        template=f"onboarding/email/{template}",
        to=[application.contact_email],
        language=application.language,
        tenant_id=application.tenant_id,
        context={"application": application, "tenant": application.tenant, "link": link, **context},
    )


atomic = transaction.atomic
