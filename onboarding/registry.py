"""What the onboarding app plugs into the shared mechanisms: its approval action,
its file-owner check, and the words the timeline shows for its events and states."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from channelhub import approvals, audit, files, roles


def can_view_application_files(request, application) -> bool:
    """Staff who see the pipeline; partner users only their own partner's application."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return False
    if membership.is_partner_user:
        return application.partner_id is not None and application.partner_id == membership.partner_id
    return roles.can(membership.role, "onboarding.view")


def register():
    from onboarding.models import Application, State
    from onboarding.services import pipeline

    approvals.register_action(
        approvals.ApprovalAction(
            key=pipeline.APPROVAL_ACTION,
            on_approved=pipeline.on_approved,
            on_rejected=pipeline.on_rejected,
            on_returned=pipeline.on_returned,
            describe=pipeline.describe_for_approvers,
            subject_url=lambda app: reverse(
                "onboarding:detail", kwargs={"tenant_slug": app.tenant.slug, "pk": app.pk}
            ),
        )
    )
    files.register_file_owner(Application, can_view_application_files)
    audit.register_state_labels(Application, State)
    # The keys of the pipeline's timeline diffs, in words.
    audit.register_labels(
        {
            "score": _("Score"),
            "inspector": _("Inspector"),
            "due": _("Due date"),
            "version": _("Version"),
            "partner": _("Partner"),
            "sha256": _("PDF fingerprint (SHA-256)"),
            "signer": _("Signed by"),
            "ip": _("IP address"),
        }
    )
    audit.register_labels(
        {
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
    )
