"""What the platform itself plugs into its shared mechanisms: its sidebar entries, the
words for its own audit verbs and states, and the outgoing e-mail sweep."""

from celery.schedules import crontab
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from channelhub import modules

VERBS = {
    "approval.requested": _("Requested approval"),
    "approval.approved": _("Approved"),
    "approval.rejected": _("Rejected"),
    "approval.returned": _("Returned for changes"),
    "approval.completed": _("Approval finished"),
    "approval.cancelled": _("Approval cancelled"),
    "invitation.sent": _("Invitation sent"),
    "invitation.revoked": _("Invitation withdrawn"),
    "invitation.accepted": _("Invitation accepted"),
    "membership.joined": _("Joined the workspace"),
    "membership.changed": _("Access changed"),
    "tenant.settings_changed": _("Workspace settings changed"),
    "step": _("Approval step"),
    "approver": _("Approver"),
    "approver_role": _("Approver role"),
}


def register() -> None:
    from channelhub import audit
    from channelhub.models import ApprovalRequest
    from channelhub.models.approvals import ApprovalStatus
    from channelhub.roles import Role

    audit.register_value_labels("approver_role", Role.choices)

    modules.register(
        "channelhub",
        state_labels=[(ApprovalRequest, ApprovalStatus)],
        labels=VERBS,
        nav=[
            modules.NavEntry(
                key="home", label=_("Home"), icon="house", url_name="home", permission="portal.home", order=0
            ),
            modules.NavEntry(
                key="approvals",
                label=_("Waiting for me"),
                icon="check2-square",
                url_name="approval-queue",
                permission="approvals.view",
                order=20,
                active=("approval-queue", "approval-detail"),
            ),
            modules.NavEntry(
                key="inbox",
                label=_("Notifications"),
                icon="bell",
                url_name="inbox",
                permission="inbox.view",
                order=30,
            ),
            modules.NavEntry(
                key="outbox",
                label=_("Local outbox"),
                icon="envelope",
                url_name="outbox",
                permission="outbox.view",
                order=40,
                visible=lambda request: settings.OUTBOX_ENABLED,
            ),
            modules.NavEntry(
                key="members",
                label=_("People and roles"),
                icon="people-fill",
                url_name="member-list",
                permission="members.view",
                order=900,
                section=_("Administration"),
                active=("member-list", "member-edit"),
            ),
            modules.NavEntry(
                key="workspace_settings",
                label=_("Workspace settings"),
                icon="gear",
                url_name="workspace-settings",
                permission="tenant.configure",
                order=990,
                section=_("Administration"),
            ),
        ],
        beat={
            # Outbox rows no worker sent: the broker was down, or the worker died (mail.py).
            "outgoing-email-sweep": {
                "task": "channelhub.send_unsent_email",
                "schedule": crontab(minute="*"),
            },
        },
    )
