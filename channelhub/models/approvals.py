from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from channelhub.roles import Role
from channelhub.tenancy import TenantOwnedModel


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for changes")
    REJECT = "reject", _("Reject")


_MECHANISM = {"authority": "approval"}  # channelhub.workflow.BY_APPROVAL (models load first)


class ApprovalRequest(ConcurrentTransitionMixin, TenantOwnedModel):
    """A request that one or more people approve something (any record, any module).

    ``action`` names the registered handler (channelhub/approvals.py) whose
    callbacks run the subject's own transition when the request completes.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = FSMField(
        _("status"), default=ApprovalStatus.PENDING, choices=ApprovalStatus.choices, protected=False
    )
    current_step = models.PositiveSmallIntegerField(default=1)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "status"]),
            models.Index(fields=["tenant", "content_type", "object_id"]),
        ]

    def __str__(self):
        return self.title

    # Transitions stay pure: channelhub/approvals.py runs them (channelhub.workflow) after
    # checking the approver itself, so the approval mechanism is their authority.
    @transition(
        field=status, source=ApprovalStatus.PENDING, target=ApprovalStatus.APPROVED, custom=_MECHANISM
    )
    def approve(self):
        pass

    @transition(
        field=status, source=ApprovalStatus.PENDING, target=ApprovalStatus.REJECTED, custom=_MECHANISM
    )
    def reject(self):
        pass

    @transition(
        field=status, source=ApprovalStatus.PENDING, target=ApprovalStatus.RETURNED, custom=_MECHANISM
    )
    def return_for_changes(self):
        pass

    @transition(
        field=status, source=ApprovalStatus.PENDING, target=ApprovalStatus.CANCELLED, custom=_MECHANISM
    )
    def cancel(self):
        pass


class ApprovalStep(TenantOwnedModel):
    """One approver's turn: a named person, or anyone holding a role."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver"),
    )
    approver_role = models.CharField(_("approver role"), max_length=32, choices=Role.choices, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    via = models.CharField(_("via"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "order"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "request", "order"], name="approval_step_order")
        ]
        indexes = [models.Index(fields=["tenant", "approver", "decision"])]

    def __str__(self):
        return f"{self.request_id}#{self.order}"

    @property
    def approver_label(self):
        if self.approver_id:
            return self.approver.display_name
        return str(Role(self.approver_role).label) if self.approver_role else ""


class ApprovalLink(TenantOwnedModel):
    """An e-mailed decision link: random token stored hashed, single use, bound to
    one approver, one step and the subject's version when it was sent."""

    step = models.ForeignKey(ApprovalStep, on_delete=models.CASCADE, related_name="links")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    subject_version = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("approval e-mail link")
        verbose_name_plural = _("approval e-mail links")
        indexes = [models.Index(fields=["tenant", "step"])]

    def __str__(self):
        return f"link for step {self.step_id} to {self.approver_id}"
