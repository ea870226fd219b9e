"""What the filings module plugs into the shared mechanisms (channelhub.modules),
registered once from ``FilingsConfig.ready()``: the filing approval action, who may
download a filing's attachments, timeline words for its events and states, the home
tiles, the sidebar entries, the demo loader and the daily job."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from channelhub import modules
from channelhub.approvals import ApprovalAction

VERBS = {
    "filing.created": _("Created the filing"),
    "filing.edited": _("Edited the filing"),
    "filing.submitted": _("Submitted for approval"),
    "filing.approved": _("Filing approved"),
    "filing.returned": _("Filing returned for correction"),
    "filing.rejected": _("Filing rejected"),
    "filing.withdrawn": _("Withdrew the filing"),
    "filing.recorded": _("Recorded (备案)"),
    "filing.effective": _("Took effect"),
    "filing.stale": _("Partner changed since filing: sent back for a refreshed filing"),
    "filing.record_blocked": _("Recording refused"),
    "filing.sent_back": _("Sent back by the clerk for correction"),
    "filing.expired": _("Validity ended: filing expired"),
    "filing.reminded": _("Deadline reminder sent"),
    "partner.termination_recorded": _("Termination filing recorded"),
    "partner.filed": _("New channel filing recorded (备案)"),
    "partner.users_deactivated": _("The partner's users were deactivated"),
    "filings.settings_changed": _("Changed the filing settings"),
    "filings.attachment_required": _("Added a required attachment"),
    "filings.attachment_enabled": _("Required the attachment again"),
    "filings.attachment_disabled": _("No longer requires the attachment"),
    "customer.registered": _("Registered the customer"),
    "customer.conflict": _("Registration conflict: the customer is already registered"),
    "customer.order_recorded": _("Order recorded: protection kept"),
    "customer.lapsed": _("Protection lapsed (no order)"),
    "customer.released": _("Released the customer"),
    "customer.declined": _("Conflict resolved: registration declined"),
    "customer.awarded": _("Conflict resolved: customer awarded to this registration"),
    "customer.edited": _("Corrected the registration"),
    "customer.withdrawn": _("Withdrew the registration"),
}


def _load_demo(context):
    from channelhub.mail import no_email
    from filings.demo import load_filings_demo

    # Real notifications in the inbox, but no e-mails to the demo people.
    with no_email():
        load_filings_demo(context.tenant)


def _diff_words() -> dict:
    """A recorded change filing's diff is keyed by partner field names: the contact keys are the
    filings app's own (the registry's are registered by partners); choice codes get their words."""
    from channelhub import audit
    from filings import partner_fields

    for field in partner_fields.change_fields():
        if field.model_field.choices:
            audit.register_value_labels(field.name, field.model_field.flatchoices)
    return {key: label for key, (_attr, label) in partner_fields.CONTACT_FIELDS.items()}


def register() -> None:
    from filings import services
    from filings.access import may_view_filing
    from filings.models import CustomerRegistration, CustomerStatus, Filing, FilingState

    modules.register(
        "filings",
        approval_actions=[
            ApprovalAction(
                key=services.APPROVAL_ACTION,
                on_approved=services.on_approved,
                on_returned=services.on_returned,
                on_rejected=services.on_rejected,
                describe=services.describe,
                subject_url=services.filing_url,
            )
        ],
        file_owners=[(Filing, may_view_filing)],
        state_labels=[(Filing, FilingState), (CustomerRegistration, CustomerStatus)],
        labels={**VERBS, **_diff_words()},
        tiles=[
            modules.Tile(
                key="filings",
                title=_("Filings"),
                icon="journal-check",
                permission="filings.submit",
                text=_("New, change and termination filings and the filing register."),
                url_name="filings:list",
                order=30,
            ),
            modules.Tile(
                key="filings_approve",
                title=_("Filings to approve"),
                icon="check2-square",
                permission="filings.approve",
                text=_("Check filings for completeness and compliance."),
                url_name="filings:to-approve",
                order=31,
            ),
            modules.Tile(
                key="filings_record",
                title=_("Filing register"),
                icon="archive",
                permission="filings.record",
                text=_("Record approved filings and keep the register."),
                url_name="filings:to-record",
                order=32,
            ),
            modules.Tile(
                key="customers",
                title=_("Customer registrations"),
                icon="person-vcard",
                permission="customers.view",
                text=_("Register end customers before working them; protection and conflicts."),
                url_name="filings:customer-list",
                order=33,
            ),
        ],
        nav=[
            modules.NavEntry(
                key="filings",
                label=_("Filing register"),
                icon="journal-check",
                url_name="filings:list",
                permission="filings.view",
                order=70,
                section=_("Filings"),
                active=("filings:*",),
                inactive=("filings:*customer*", "filings:settings"),
                testid="nav-filings",
            ),
            modules.NavEntry(
                key="customers",
                label=_("Customer registrations"),
                icon="person-vcard",
                url_name="filings:customer-list",
                permission="customers.view",
                order=71,
                section=_("Filings"),
                active=("filings:*customer*",),
                testid="nav-customers",
            ),
            modules.NavEntry(
                key="filings_settings",
                label=_("Filing settings"),
                icon="sliders",
                url_name="filings:settings",
                permission="tenant.configure",
                order=910,
                section=_("Administration"),
            ),
        ],
        record_actions=[
            modules.RecordAction(
                key="change-filing",
                model="partners.Partner",
                label=_("Change filing"),
                icon="pencil-square",
                url_name="filings:new-change",
                permission="filings.submit",
                query="partner",
                purpose="change",
            ),
        ],
        demo=_load_demo,
        demo_order=30,
        beat={
            # Filing deadlines and expiry, due terminations, lapsed customer protection (tasks.py).
            "filings-daily": {"task": "filings.daily", "schedule": crontab(hour=1, minute=15)},
        },
    )
