"""What the partner registry plugs into the shared mechanisms (channelhub.modules),
registered once from ``PartnersConfig.ready()``:

- the approval action ``partners.reactivate`` (an executive approves a suspended
  partner's reactivation, or a pending one's admission; approval runs
  ``services.reactivate_partner``);
- who may download files hanging on a partner or on an import;
- words for the registry's audit verbs, states and diff keys on timelines;
- the home tile, the sidebar entry, the demo loader and the daily document-expiry job.
"""

from celery.schedules import crontab
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from channelhub import audit, caching, modules
from channelhub.approvals import ApprovalAction


def _on_approved(partner, request, by):
    from partners import services

    services.reactivate_partner(partner, approval=request, by=by)


def _describe(partner):
    from partners import services

    pending = services.pending_reactivation(partner)
    latest = pending.summary if pending is not None else ""
    owner = partner.owner.display_name if partner.owner_id else "—"
    return [
        (_("Partner"), partner.name),
        (_("Unified social credit code"), partner.credit_code),
        (_("Status"), partner.get_status_display()),
        (_("Reason for the reactivation"), latest or "—"),
        (_("Reason for the suspension"), partner.status_reason or "—"),
        (_("Channel manager"), owner),
    ]


def _subject_url(partner):
    return reverse("partners:detail", kwargs={"tenant_slug": partner.tenant.slug, "pk": partner.pk})


def _load_demo(context):
    from partners.demo import load_for_demo_tenant

    load_for_demo_tenant(context)


def _count_partners():
    from partners.models import Partner

    return Partner.all_tenants.count()


VERBS = {
    "partner.created": _("Created the partner"),
    "partner.changed": _("Changed the partner record"),
    "partner.imported": _("Created by an Excel import"),
    "partner.suspended": _("Suspended the partner"),
    "partner.terminated": _("Terminated the partner"),
    "partner.reactivated": _("Reactivated the partner"),
    "partner.reactivation_requested": _("Asked for the partner's reactivation"),
    "partner.contact_added": _("Added a contact"),
    "partner.contact_changed": _("Changed a contact"),
    "partner.document_added": _("Added a qualification document"),
    "partner.reward_recorded": _("Recorded a reward"),
    "partner.penalty_recorded": _("Recorded a penalty"),
    "partner.document_expiring": _("Told the owner a document is about to expire"),
    "tier.created": _("Created the tier"),
    "tier.changed": _("Changed the tier"),
    "region.created": _("Created the region"),
    "region.changed": _("Changed the region"),
}


def _field_labels() -> dict:
    """The keys of the registry's audit diffs are field names ("credit_limit"): their words,
    without taking a key another module registered first."""
    from partners.models import Partner
    from partners.services import PARTNER_FIELDS

    labels = {name: capfirst(Partner._meta.get_field(name).verbose_name) for name in PARTNER_FIELDS}
    labels.update(
        {
            "contact": _("Contact"),
            "position": _("Position"),
            "mobile": _("Mobile"),
            "email": _("E-mail address"),
            "is_primary": _("Primary contact"),
            "is_active": _("Still a contact"),
            "notes": _("Notes"),
            "valid_until": _("Valid until"),
            "category": _("Category"),
            "amount": _("Amount (CNY)"),
        }
    )
    from partners.models import RewardPenaltyCategory

    audit.register_value_labels("category", RewardPenaltyCategory.choices)
    return {key: label for key, label in labels.items() if key not in audit.LABELS}


def register() -> None:
    from partners import services
    from partners.access import can_view_import_files, can_view_partner_files
    from partners.models import Partner, PartnerImport, PartnerStatus, Region, Tier

    # Kept: the list's filter choices (partners.filters.filter_choices) and its counts.
    for model in (Tier, Region, Partner):
        caching.watch(model)

    modules.register(
        "partners",
        pickers={Partner: "partners:pick"},
        approval_actions=[
            ApprovalAction(
                key=services.REACTIVATE,
                on_approved=_on_approved,
                describe=_describe,
                subject_url=_subject_url,
            )
        ],
        file_owners=[(Partner, can_view_partner_files), (PartnerImport, can_view_import_files)],
        state_labels=[(Partner, PartnerStatus)],
        labels={**VERBS, **_field_labels()},
        tiles=[
            modules.Tile(
                key="partners",
                title=_("Partner registry"),
                icon="people",
                permission="partners.view",
                text=_("Partner records, documents, status and timeline."),
                url_name="partners:list",
                order=10,
            )
        ],
        nav=[
            modules.NavEntry(
                key="partners",
                label=_("Partners"),
                icon="people",
                url_name="partners:list",
                permission="partners.view",
                order=10,
                active=("partners:*",),
            )
        ],
        demo=_load_demo,
        demo_order=10,
        demo_counts={"partners": _count_partners},
        beat={
            # Qualification documents expiring within 30 days: the owner is told once (tasks.py).
            "partners-document-expiry": {
                "task": "partners.notify_expiring_documents_all",
                "schedule": crontab(hour=7, minute=30),
            },
        },
    )
