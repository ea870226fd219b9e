"""Periodic work of the partner registry (Celery beat; see the schedule in settings).

Tasks take ids, never objects; ``TenantTask`` activates the tenant named by ``tenant_id``.
Each document is claimed (``expiry_notified_at``) in its own transaction before its
notice is queued, so a re-run, a second worker or a crash half-way never notifies twice.
"""

from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from channelhub import audit, periods, roles
from channelhub.models import Tenant
from channelhub.notifications import Kind, Text, choice, notify
from channelhub.roles import Role
from channelhub.tenancy import get_current_tenant
from partners.models import PartnerDocument, PartnerStatus
from partners.services import partner_url

EXPIRY_NOTICE_DAYS = 30


@shared_task(name="partners.notify_expiring_documents_all")
def notify_expiring_documents_all() -> int:
    """Daily (beat): one run per active tenant, each with its tenant active."""
    tenant_ids = list(Tenant.objects.filter(is_active=True).values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        notify_expiring_documents.delay(tenant_id=tenant_id)
    return len(tenant_ids)


def documents_due(today: date, days: int = EXPIRY_NOTICE_DAYS):
    """Documents that expire within ``days`` (or already have) and whose owner was not yet told.

    A document replaced by a newer one of the same kind that lasts longer is not due, and
    neither are a terminated partner's documents.
    """
    replaced = PartnerDocument.objects.filter(
        partner=OuterRef("partner"), kind=OuterRef("kind"), created_at__gt=OuterRef("created_at")
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on")))
    return (
        PartnerDocument.objects.filter(
            expires_on__isnull=False,
            expires_on__lte=today + timedelta(days=days),
            expiry_notified_at__isnull=True,
        )
        .exclude(partner__status=PartnerStatus.TERMINATED)
        .exclude(Exists(replaced))
        .select_related("partner", "partner__tenant")
        .order_by("expires_on", "pk")
    )


@shared_task(name="partners.notify_expiring_documents", acks_late=True, reject_on_worker_lost=True)
def notify_expiring_documents(*, tenant_id: int, today: str | None = None) -> int:
    """Tell each document's channel manager (or, without one, the supervisors) once."""
    tenant = get_current_tenant()
    if tenant is None or tenant.pk != tenant_id:
        raise RuntimeError("run with tenant_id= so that TenantTask activates the tenant")
    today_date = date.fromisoformat(today) if today else periods.today(tenant)
    supervisors = None
    sent = 0
    for document in documents_due(today_date):
        partner = document.partner
        if partner.owner_id:
            recipients = [partner.owner_id]
        else:
            if supervisors is None:
                supervisors = roles.members_with(Role.CHANNEL_SUPERVISOR)
            recipients = supervisors
        with transaction.atomic():
            claimed = PartnerDocument.objects.filter(pk=document.pk, expiry_notified_at__isnull=True).update(
                expiry_notified_at=timezone.now()
            )
            if not claimed:
                continue  # another run took it
            days_left = (document.expires_on - today_date).days
            title = Text(
                gettext_noop("%(document)s of %(partner)s expired on %(date)s")
                if days_left < 0
                else gettext_noop("%(document)s of %(partner)s expires on %(date)s"),
                document=choice(document, "kind"),
                partner=partner.name,
                date=document.expires_on.isoformat(),
            )
            body = Text(
                gettext_noop("Ask the partner for the renewed document and upload it on the partner's page.")
            )
            notify(recipients, kind=Kind.DOCUMENT_EXPIRING, title=title, body=body, url=partner_url(partner))
            with translation.override(tenant.default_language):
                audit.record(partner, "partner.document_expiring", comment=str(title), via="job")
        sent += 1
    return sent
