"""What the onboarding app plugs into the shared mechanisms (channelhub.modules),
registered once from ``OnboardingConfig.ready()``: its approval action, its file-owner
check, the words the timeline shows for its events and states, the home tiles, the
sidebar entries, the demo loader, and the pipeline defaults of a new tenant."""

from django.db.models.signals import post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from channelhub import approvals, modules, roles


def can_view_application_files(request, application) -> bool:
    """Staff who see the pipeline; partner users only their own partner's application."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return False
    if membership.is_partner_user:
        return application.partner_id is not None and application.partner_id == membership.partner_id
    return roles.can(membership.role, "onboarding.view")


def _tenant_created(sender, instance, created, raw=False, **kwargs):
    """A new tenant starts with the seeds' pipeline configuration (docs/onboarding.md)."""
    if created and not raw:
        from onboarding.services.config import install_defaults

        install_defaults(instance)


def _load_demo(context):
    from onboarding import demo

    demo.load(context.tenant, context.people, demo_partner=context.shared.get("demo_partner"))


def _settings_pages():
    return ("onboarding:settings", "onboarding:*config-*", "onboarding:*contract-template*")


def register():
    from channelhub.models import Tenant
    from onboarding.models import Application, State
    from onboarding.services import pipeline

    post_save.connect(_tenant_created, sender=Tenant, dispatch_uid="onboarding-defaults")
    action = approvals.ApprovalAction(
        key=pipeline.APPROVAL_ACTION,
        on_approved=pipeline.on_approved,
        on_rejected=pipeline.on_rejected,
        on_returned=pipeline.on_returned,
        describe=pipeline.describe_for_approvers,
        subject_url=lambda app: reverse(
            "onboarding:detail", kwargs={"tenant_slug": app.tenant.slug, "pk": app.pk}
        ),
    )
    labels = {
        # The keys of the pipeline's timeline diffs, in words.
        "score": _("Score"),
        "inspector": _("Inspector"),
        "due": _("Due date"),
        "version": _("Version"),
        "partner": _("Partner"),
        "sha256": _("PDF fingerprint (SHA-256)"),
        "signer": _("Signed by"),
        "ip": _("IP address"),
        "onboarding.submitted": _("Application submitted"),
        "onboarding.start_review": _("Started the review"),
        "onboarding.request_supplements": _("Asked for supplements"),
        "onboarding.supply": _("Applicant sent supplements"),
        "onboarding.pass_review": _("Passed the screening review"),
        "onboarding.inspector_assigned": _("Assigned the site inspection"),
        "onboarding.file_inspection": _("Filed the site inspection report"),
        "onboarding.submit_evaluation": _("Submitted the evaluation report"),
        "onboarding.approve": _("Admission approved"),
        "onboarding.decline": _("Admission rejected by management"),
        "onboarding.return_to_evaluation": _("Returned to the evaluation"),
        "onboarding.issue_contract": _("Issued the contract"),
        "onboarding.sign_contract": _("Applicant signed the contract"),
        "onboarding.contract_mismatch": _("Refused a signature: the PDF had changed"),
        "onboarding.countersign": _("Countersigned: partner active"),
        "onboarding.reject": _("Rejected"),
        "onboarding.withdraw": _("Withdrawn by the applicant"),
        "onboarding.admitted": _("Admitted as a partner"),
        "onboarding.training_completed": _("Onboarding training completed"),
        "onboarding.settings_changed": _("Changed the admission settings"),
        "onboarding.template_saved": _("Saved the contract template"),
        "onboarding.campaign_created": _("Created the campaign"),
        "onboarding.campaign_changed": _("Changed the campaign"),
        "applicant": _("by the applicant"),
    }
    modules.register(
        "onboarding",
        approval_actions=[action],
        file_owners=[(Application, can_view_application_files)],
        state_labels=[(Application, State)],
        labels=labels,
        tiles=[
            modules.Tile(
                key="onboarding",
                title=_("Admission pipeline"),
                icon="person-plus",
                permission="onboarding.view",
                text=_("Recruitment, applications, site inspections, contracts."),
                url_name="onboarding:board",
                order=20,
            ),
            modules.Tile(
                key="onboarding_training",
                title=_("Onboarding training"),
                icon="mortarboard",
                permission="onboarding.training",
                text=_(
                    "New partners' training checklists: culture, products, sales, operation, after-sales."
                ),
                url_name="onboarding:training",
                order=21,
            ),
        ],
        nav=[
            modules.NavEntry(
                key="onboarding",
                label=_("Admission pipeline"),
                icon="person-plus",
                url_name="onboarding:board",
                permission="onboarding.view",
                order=50,
                active=("onboarding:*",),
                inactive=(
                    "onboarding:training",
                    "onboarding:settings",
                    "onboarding:*config*",
                    "onboarding:*template*",
                ),
                testid="nav-onboarding",
            ),
            modules.NavEntry(
                key="onboarding_training",
                label=_("Onboarding training"),
                icon="mortarboard",
                url_name="onboarding:training",
                permission="onboarding.training",
                order=60,
                testid="nav-training",
            ),
            modules.NavEntry(
                key="onboarding_settings",
                label=_("Admission settings"),
                icon="sliders",
                url_name="onboarding:settings",
                permission="onboarding.configure",
                order=920,
                section=_("Administration"),
                active=_settings_pages(),
            ),
        ],
        demo=_load_demo,
        demo_order=20,
    )
