from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from channelhub import approvals
from channelhub.access import get_for_tenant_or_404, public_view, tenant_view
from channelhub.audit import timeline_for
from channelhub.files import files_of
from channelhub.forms import add_service_errors
from channelhub.models import ApprovalRequest, StoredFile
from channelhub.models.approvals import Decision
from channelhub.roles import Role, can
from channelhub.tenancy import tenant_context


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when you return or reject."),
    )


def may_open_approval(request, approval: ApprovalRequest) -> bool:
    """Who may open a request's page: staff (``approvals.view``) who requested it, approve one of
    its steps (by name or role), or the tenant admin. The page's own rule, and the rule of every
    button that leads to it (a filing's or an application's page), so none leads to a 403 or 404."""
    membership = request.membership
    if membership is None or not can(membership.role, "approvals.view"):
        return False
    user, role = request.user, membership.role
    if role == Role.TENANT_ADMIN or approval.requested_by_id == user.pk:
        return True
    return approval.steps.filter(Q(approver=user) | Q(approver__isnull=True, approver_role=role)).exists()


def get_approval_for_user(request, pk) -> ApprovalRequest:
    """Requester, approvers (by name or role) and tenant admins see a request; others get 404."""
    approval = get_for_tenant_or_404(ApprovalRequest.objects.select_related("requested_by"), pk=pk)
    if not may_open_approval(request, approval):
        raise Http404
    return approval


@never_cache
@tenant_view("approvals.view")
def approval_queue(request):
    steps = list(approvals.waiting_for(request.user))
    return render(request, "channelhub/approvals/queue.html", {"steps": steps})


@never_cache
@tenant_view("approvals.view", model=ApprovalRequest)
def approval_detail(request, pk):
    approval = get_approval_for_user(request, pk)
    step = approvals.current_step(approval)
    can_decide = (
        approval.status == "pending" and step is not None and approvals.may_decide(step, request.user)
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            messages.error(request, _("This request is not waiting for your decision."))
            return redirect("approval-detail", tenant_slug=request.tenant.slug, pk=approval.pk)
        if form.is_valid():
            try:
                approvals.decide(
                    approval,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                )
            except approvals.AlreadyDecided as decided:
                messages.warning(request, decided.message)
                return redirect("approval-detail", tenant_slug=request.tenant.slug, pk=approval.pk)
            except approvals.NotAnApprover:
                raise Http404 from None
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your decision was recorded."))
                return redirect("approval-detail", tenant_slug=request.tenant.slug, pk=approval.pk)
    subject = approval.subject
    return render(
        request,
        "channelhub/approvals/detail.html",
        {
            "approval": approval,
            "steps": approval.steps.select_related("approver", "decided_by"),
            "current": step,
            "can_decide": can_decide,
            "form": form,
            "rows": approvals.describe(approval, subject) if subject else [],
            "files": files_of(subject) if subject else [],
            "subject_url": _subject_url(approval, subject),
            "timeline": timeline_for(approval),
        },
        status=400 if form.errors else 200,
    )


def _subject_url(approval, subject):
    action = approvals.get_action(approval.action)
    return action.subject_url(subject) if subject is not None and action.subject_url else ""


LINK_PAGES = {
    "invalid": (404, gettext_lazy("This approval link is not valid. Check that you opened the whole link.")),
    "expired": (
        410,
        gettext_lazy("This approval link has expired. Open the request in ChannelHub to decide."),
    ),
    "used": (410, gettext_lazy("You have already used this link; your decision was recorded.")),
    "superseded": (
        410,
        gettext_lazy(
            "This link is for an earlier step that is finished. A newer e-mail was sent to the next approver."
        ),
    ),
    "changed": (
        409,
        gettext_lazy(
            "The item changed after this e-mail was sent, so this link no longer works. Open the request in ChannelHub, or use the newer e-mail."
        ),
    ),
    "foreign": (
        403,
        gettext_lazy(
            "This link was sent to another person. Log out, or ask for the request to be sent to you."
        ),
    ),
    "revoked": (
        403,
        gettext_lazy(
            "This link has been revoked: you can no longer decide this request with it (you left the "
            "workspace, your role changed, or you made the request yourself). If you still have access, "
            "open the request in ChannelHub."
        ),
    ),
    "decided": (409, None),
}


@never_cache
@public_view
def approval_link(request, token):
    """GET/HEAD validate and show the item with a real form; only the POST decides."""
    try:
        link = approvals.open_link(token, user=request.user)
    except approvals.LinkProblem as problem:
        return _link_problem(request, problem)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            approvals.decide_by_link(
                token,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
        except approvals.LinkProblem as problem:
            return _link_problem(request, problem)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(
                request,
                "channelhub/approvals/link_done.html",
                {"decision": dict(Decision.choices)[form.cleaned_data["decision"]], "link": link},
            )
    with tenant_context(link.tenant):
        approval = link.step.request
        subject = approval.subject
        context = {
            "link": link,
            "approval": approval,
            "token": token,
            "form": form,
            "rows": approvals.describe(approval, subject),
            "files": list(files_of(subject)),
            "steps": list(approval.steps.select_related("approver", "decided_by")),
        }
        return render(request, "channelhub/approvals/link.html", context, status=400 if form.errors else 200)


def _link_problem(request, problem):
    status, message = LINK_PAGES[problem.code]
    if problem.code == "decided":
        with tenant_context(problem.link.tenant):
            message = problem.decided.message
    return render(
        request,
        "channelhub/approvals/link_problem.html",
        {"problem": problem.code, "message": message},
        status=status,
    )


@public_view
def approval_link_file(request, token, file_pk):
    """An attachment of the item, for the holder of a valid link."""
    try:
        link = approvals.open_link(token, user=request.user)
    except approvals.LinkProblem:
        raise Http404 from None
    with tenant_context(link.tenant):
        subject = link.step.request.subject
        stored = files_of(subject).filter(pk=file_pk).first()
        if stored is None:
            raise Http404
        return _serve(stored, inline=request.GET.get("inline") == "1")


def _serve(stored: StoredFile, *, inline: bool):
    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.mime_type,
        as_attachment=not (inline and stored.is_image),
        filename=stored.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
