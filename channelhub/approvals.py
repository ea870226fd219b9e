"""One approval mechanism for every module.

A module registers an ``ApprovalAction`` (what happens to the subject when the
request is approved, rejected or returned), then calls ``request_approval()``.
Approvers decide in the portal or from an e-mailed link; ``decide()`` serialises
concurrent decisions on the request row, so exactly one counts.

E-mail links: a random token stored hashed, expiring (tenant setting), single
use, bound to one approver, one step and the subject's version at sending time.
Opening a link (GET) only validates and renders; the decision is a POST.
"""

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channelhub import audit, roles, workflow
from channelhub.mail import queue_templated_email
from channelhub.models import ApprovalLink, ApprovalRequest, ApprovalStep, Membership, User
from channelhub.models.approvals import ApprovalStatus, Decision
from channelhub.notifications import Kind, Text, choice, notify
from channelhub.tenancy import tenant_context


def default_version(subject) -> str:
    """A fingerprint of the subject's stored values: any change makes older links stale."""
    values = {f.attname: str(getattr(subject, f.attname)) for f in subject._meta.concrete_fields}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ApprovalAction:
    key: str
    on_approved: Callable  # (subject, request, by) -> None: the subject's own transition
    on_rejected: Callable | None = None
    on_returned: Callable | None = None
    version: Callable = default_version
    describe: Callable | None = None  # (subject) -> [(label, value)] shown to approvers
    subject_url: Callable | None = None  # (subject) -> portal URL of the subject
    extra: dict = field(default_factory=dict)


_ACTIONS: dict[str, ApprovalAction] = {}


def register_action(action: ApprovalAction) -> ApprovalAction:
    _ACTIONS[action.key] = action
    return action


def get_action(key: str) -> ApprovalAction:
    return _ACTIONS[key]


class AlreadyDecided(Exception):
    def __init__(self, step: ApprovalStep | None, request: ApprovalRequest):
        super().__init__("already decided")
        self.step, self.request = step, request

    @property
    def message(self) -> str:
        if self.step is not None and self.step.decided_by_id:
            return _("Already decided by %(name)s at %(time)s.") % {
                "name": self.step.decided_by.display_name,
                "time": timezone.localtime(self.step.decided_at).strftime("%Y-%m-%d %H:%M"),
            }
        return _("This request is no longer waiting for a decision (%(status)s).") % {
            "status": self.request.get_status_display()
        }


class NotAnApprover(Exception):
    pass


class SubjectChanged(Exception):
    """The subject changed after the link was sent: the link's decision would be about
    something the approver has not seen."""


@dataclass(frozen=True)
class Approver:
    """A step's approver: a named user, or every active member holding a role."""

    user: User | None = None
    role: str = ""


def requests_of(subject, *, action: str | None = None, status: str | None = None):
    """The approval requests on ``subject``, newest first (optionally of one action / status)."""
    requests = ApprovalRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    )
    if action is not None:
        requests = requests.filter(action=action)
    if status is not None:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-pk")


def latest_request(subject, *, action: str | None = None) -> ApprovalRequest | None:
    """The newest approval request on ``subject`` (with its requester), or ``None``."""
    return requests_of(subject, action=action).select_related("requested_by").first()


def pending_request(subject, *, action: str | None = None) -> ApprovalRequest | None:
    """The request on ``subject`` still waiting for a decision, or ``None``."""
    return (
        requests_of(subject, action=action, status=ApprovalStatus.PENDING)
        .select_related("requested_by")
        .first()
    )


def request_approval(
    subject, *, action: str, title: str, steps: list[Approver], by, summary: str = ""
) -> ApprovalRequest:
    """Open a request on ``subject`` and notify the first step's approvers. Call inside a transaction."""
    if action not in _ACTIONS:
        raise ValueError(f"unregistered approval action {action!r}")
    if not steps:
        raise ValueError("an approval needs at least one step")
    content_type = ContentType.objects.get_for_model(subject)
    if requests_of(subject, action=action, status=ApprovalStatus.PENDING).exists():
        raise ValidationError(_("An approval for this is already pending."))
    request = ApprovalRequest.objects.create(
        tenant_id=subject.tenant_id,
        content_type=content_type,
        object_id=subject.pk,
        action=action,
        title=title,
        summary=summary,
        requested_by=by,
    )
    for order, approver in enumerate(steps, start=1):
        ApprovalStep.objects.create(
            tenant_id=subject.tenant_id,
            request=request,
            order=order,
            approver=approver.user,
            approver_role=approver.role if approver.user is None else "",
        )
    audit.record(subject, "approval.requested", actor=by, comment=title)
    _open_step(request, subject)
    return request


def approvers_of(step: ApprovalStep) -> list[User]:
    if step.approver_id:
        return [step.approver]
    return roles.members_with(step.approver_role)


def current_step(request: ApprovalRequest) -> ApprovalStep | None:
    return request.steps.filter(order=request.current_step).select_related("approver", "decided_by").first()


def may_decide(step: ApprovalStep, user: User) -> bool:
    """The step's approver, still an active member — and never the requester (four eyes)."""
    if not user.is_active or step.request.requested_by_id == user.pk:
        return False
    memberships = Membership.objects.filter(user=user, is_active=True)
    if step.approver_id:
        return step.approver_id == user.pk and memberships.exists()
    return memberships.filter(role=step.approver_role).exists()


def _open_step(request: ApprovalRequest, subject) -> None:
    """Mail each approver of the current step a fresh link, and put it in their inbox."""
    step = current_step(request)
    action = get_action(request.action)
    version = action.version(subject)
    tenant = request.tenant
    hours = tenant.approval_link_hours
    approvers = approvers_of(step)
    for approver in approvers:
        token = secrets.token_urlsafe(32)
        link = ApprovalLink.objects.create(
            tenant_id=request.tenant_id,
            step=step,
            approver=approver,
            token_hash=hash_token(token),
            subject_version=version,
            expires_at=timezone.now() + timedelta(hours=hours),
        )
        queue_templated_email(
            template="channelhub/email/approval_request",
            to=[approver.email],
            language=tenant.default_language,
            tenant_id=tenant.pk,
            context={
                "request": request,
                "tenant": tenant,
                "approver": approver,
                "step": step,
                "link": settings.SITE_URL + reverse("approval-link", args=[token]),
                "expires_at": link.expires_at,
                "rows": describe(request, subject),
            },
        )
    notify(
        approvers,
        kind=Kind.APPROVAL_REQUESTED,
        tenant=tenant,
        email=False,  # the link e-mail sent above is the e-mail
        title=Text(gettext_noop("Approval needed: %(title)s"), title=request.title),
        url=reverse("approval-detail", kwargs={"tenant_slug": tenant.slug, "pk": request.pk}),
    )


def describe(request: ApprovalRequest, subject) -> list[tuple[str, str]]:
    action = get_action(request.action)
    return list(action.describe(subject)) if action.describe else []


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def decide(
    request: ApprovalRequest,
    *,
    by: User,
    decision: str,
    comment: str = "",
    via: str = "web",
    link: ApprovalLink | None = None,
) -> ApprovalRequest:
    """Record ``by``'s decision on the current step; complete the request when it is the last
    step or not an approval. Raises AlreadyDecided, NotAnApprover or ValidationError, and for
    a decision by ``link`` SubjectChanged (checked after the row lock, not only on opening)."""
    if decision not in Decision.values:
        raise ValidationError(_("Unknown decision."))
    if decision in (Decision.REJECT, Decision.RETURN) and not comment.strip():
        raise ValidationError({"comment": _("Please say why: the requester will read it.")})
    with transaction.atomic():
        # The row lock serialises concurrent deciders: the second one sees the first's decision.
        locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        step = current_step(locked)
        if locked.status != ApprovalStatus.PENDING or step is None or step.decision:
            raise AlreadyDecided(_last_decided_step(locked), locked)
        if link is not None:
            if link.step_id != step.pk or link.used_at is not None:
                raise AlreadyDecided(_last_decided_step(locked), locked)
            # As stored now: revoked (revoke_links_of) since it was opened?
            if ApprovalLink.objects.filter(pk=link.pk, used_at__isnull=False).exists():
                raise NotAnApprover()
        if not may_decide(step, by):
            raise NotAnApprover()
        if link is not None:
            # The subject as stored now, under the lock: an edit between opening the link and
            # posting the decision makes the link stale, as an edit before opening it does.
            subject = locked.subject
            if subject is None or get_action(locked.action).version(subject) != link.subject_version:
                raise SubjectChanged()
        now = timezone.now()
        ApprovalStep.objects.filter(pk=step.pk, decision="").update(
            decision=decision, decided_by=by, decided_at=now, comment=comment, via=via
        )
        # Every other link to this step dies with the decision.
        ApprovalLink.objects.filter(step=step, used_at__isnull=True).update(used_at=now)
        subject = locked.subject
        action = get_action(locked.action)
        verb = {
            Decision.APPROVE: "approval.approved",
            Decision.REJECT: "approval.rejected",
            Decision.RETURN: "approval.returned",
        }[decision]
        audit.record(
            subject,
            verb,
            actor=by,
            comment=comment,
            via=via,
            # Which step was decided, as codes the timeline puts in the reader's words (no before
            # value: a step is not a field).
            changes={
                "step": ["", str(step.order)],
                **(
                    {"approver": ["", step.approver.display_name]}
                    if step.approver_id
                    else {"approver_role": ["", step.approver_role]}
                ),
            },
        )
        if decision == Decision.APPROVE and locked.steps.filter(order__gt=step.order).exists():
            locked.current_step = step.order + 1
            locked.save(update_fields=["current_step"])
            _open_step(locked, subject)
            return locked
        name, callback = {
            Decision.APPROVE: ("approve", action.on_approved),
            Decision.REJECT: ("reject", action.on_rejected),
            Decision.RETURN: ("return_for_changes", action.on_returned),
        }[decision]
        workflow.transition(
            locked, name, by=by, verb="approval.completed", via=via, fields={"decided_at": now}
        )
        if callback is not None:
            callback(subject, locked, by)
        notify(
            [locked.requested_by],
            kind=Kind.APPROVAL_DECIDED,
            tenant=locked.tenant,
            title=Text(
                gettext_noop("%(title)s: %(status)s"), title=locked.title, status=choice(locked, "status")
            ),
            body=comment,
            actor=by,
            url=reverse("approval-detail", kwargs={"tenant_slug": locked.tenant.slug, "pk": locked.pk}),
        )
    return locked


def _last_decided_step(request: ApprovalRequest) -> ApprovalStep | None:
    return (
        request.steps.exclude(decision="")
        .select_related("decided_by")
        .order_by("-decided_at", "-order")
        .first()
    )


def cancel_pending(subject, *, by, reason: str = "") -> int:
    """Cancel open requests on a subject (e.g. it was withdrawn); their links die."""
    cancelled = 0
    for request in requests_of(subject, status=ApprovalStatus.PENDING).select_for_update():
        workflow.transition(
            request,
            "cancel",
            by=by,
            verb="approval.completed",
            comment=reason,
            fields={"decided_at": timezone.now()},
        )
        ApprovalLink.objects.filter(step__request=request, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        audit.record(subject, "approval.cancelled", actor=by, comment=reason)
        cancelled += 1
    return cancelled


def waiting_for(user: User):
    """Steps where ``user`` is the approver now (by name or by role), oldest first."""
    roles = list(Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True))
    return (
        ApprovalStep.objects.filter(
            request__status=ApprovalStatus.PENDING, decision="", order=F("request__current_step")
        )
        .filter(Q(approver=user) | Q(approver__isnull=True, approver_role__in=roles))
        .select_related("request", "request__requested_by")
        .order_by("request__created_at")
    )


# --- E-mail links ----------------------------------------------------------------------------


class LinkProblem(Exception):
    """Why a link cannot be used: invalid, expired, used, superseded, changed, decided,
    foreign (opened by another logged-in user), revoked (the approver may no longer decide)."""

    def __init__(self, code: str, link: ApprovalLink | None = None, decided: AlreadyDecided | None = None):
        super().__init__(code)
        self.code, self.link, self.decided = code, link, decided


def open_link(token: str, *, user=None) -> ApprovalLink:
    """Validate a link without changing anything (GET and HEAD use this only)."""
    link = (
        ApprovalLink.all_tenants.select_related("step", "step__request", "approver", "tenant")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or not link.tenant.is_active:
        raise LinkProblem("invalid")
    if user is not None and user.is_authenticated and user.pk != link.approver_id:
        raise LinkProblem("foreign", link)
    with tenant_context(link.tenant):
        request = link.step.request
        if link.used_at is not None and link.step.decided_by_id == link.approver_id:
            raise LinkProblem("used", link)
        if request.status != ApprovalStatus.PENDING or link.step.decision:
            raise LinkProblem("decided", link, AlreadyDecided(_last_decided_step(request), request))
        if link.used_at is not None:
            # Killed while its step still waits, without this approver's decision: only
            # revoke_links_of() does that (they left, or their role changed).
            raise LinkProblem("revoked", link)
        if link.expires_at <= timezone.now():
            raise LinkProblem("expired", link)
        if not may_decide(link.step, link.approver):
            raise LinkProblem("revoked", link)  # left the company, lost the role, or requested it
        if request.current_step != link.step.order:
            raise LinkProblem("superseded", link)
        subject = request.subject
        if subject is None or get_action(request.action).version(subject) != link.subject_version:
            raise LinkProblem("changed", link)
    return link


def decide_by_link(token: str, *, decision: str, comment: str = "", user=None) -> ApprovalRequest:
    link = open_link(token, user=user)
    with tenant_context(link.tenant):
        try:
            result = decide(
                link.step.request,
                by=link.approver,
                decision=decision,
                comment=comment,
                via="email",
                link=link,
            )
        except AlreadyDecided as decided:
            raise LinkProblem("decided", link, decided) from None
        except NotAnApprover:
            raise LinkProblem("revoked", link) from None
        except SubjectChanged:
            raise LinkProblem("changed", link) from None
        ApprovalLink.objects.filter(pk=link.pk).update(used_at=timezone.now())
    return result


def revoke_links_of(user: User) -> int:
    """Kill a person's unused links (they left, or their role changed)."""
    return ApprovalLink.objects.filter(approver=user, used_at__isnull=True).update(used_at=timezone.now())
