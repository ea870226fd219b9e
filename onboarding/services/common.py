"""What every onboarding service shares: locking, running a transition with its audit
entry, who to tell, and e-mail to the applicant (who has no account)."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from channelhub import audit, roles
from channelhub.mail import queue_templated_email
from channelhub.models import Membership
from channelhub.notifications import Kind, notify
from onboarding.models import CLOSED_STATES, ApplicantLink, Application


class WrongState(ValidationError):
    """The application is no longer where the action starts (someone else moved it)."""

    def __init__(self, application):
        super().__init__(
            _("This application is now “%(state)s”; that action is no longer possible.")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )


def lock(application) -> Application:
    """The application's row, locked for the rest of the transaction (PostgreSQL)."""
    return Application.objects.select_for_update().get(pk=application.pk)


def require(by, permission: str, tenant_id) -> None:
    from onboarding.models.application import role_of

    if by is None or not roles.can(role_of(by, tenant_id), permission):
        raise PermissionDenied(permission)


def run(application, name: str, *, by=None, comment: str = "", via: str = "web", changes=None, due_on=None):
    """Run transition ``name`` (refusing the wrong state or role), stamp the time in the
    new state, save, and write the audit entry with from → to. Inside the caller's atomic block."""
    method = getattr(application, name)
    if not can_proceed(method):
        raise WrongState(application)
    actor = method._django_fsm.get_transition(application.state).custom.get("actor")
    if actor is None and (by is None or not has_transition_perm(method, by)):
        raise PermissionDenied(name)
    before = application.state
    method()
    now = timezone.now()
    if application.state != before:
        application.state_changed_at = now
    application.due_on = due_on
    if application.state in CLOSED_STATES:
        application.closed_at = now
    try:
        application.save()
    except ConcurrentTransition:
        raise WrongState(Application.objects.get(pk=application.pk)) from None
    audit.record(
        application,
        f"onboarding.{name}",
        actor=by,
        from_state=before,
        to_state=application.state,
        comment=comment,
        changes=changes,
        via=via,
    )
    return application


def members_with(role_or_roles) -> list:
    wanted = [role_or_roles] if isinstance(role_or_roles, str) else list(role_or_roles)
    return [
        m.user
        for m in Membership.objects.filter(
            role__in=wanted, is_active=True, user__is_active=True
        ).select_related("user")
    ]


def members_may(permission: str) -> list:
    """Active staff whose role has ``permission`` (roles.py)."""
    return members_with(sorted(roles.PERMISSIONS[permission] - roles.PARTNER_ROLES))


def staff_url(application) -> str:
    return reverse("onboarding:detail", kwargs={"tenant_slug": application.tenant.slug, "pk": application.pk})


def tell_staff(application, users, title: str, body: str = "") -> None:
    """In-app notification (and e-mail) after commit, to the people who act next."""
    notify(
        [u for u in users if u is not None],
        kind=Kind.ONBOARDING,
        tenant=application.tenant,
        title=f"{application.company_name}: {title}",
        body=body,
        url=staff_url(application),
    )


def tell_owner(application, title: str, body: str = "") -> None:
    recipients = [application.owner] if application.owner_id else members_with(roles.Role.CHANNEL_SUPERVISOR)
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
