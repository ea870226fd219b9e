"""An application's page (everything, with the timeline) and the company's actions on it.
Thin: each action validates its form and calls one service."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channelhub import approvals, periods, roles
from channelhub.access import tenant_view
from channelhub.audit import timeline_for
from channelhub.files import files_of
from channelhub.views.approvals import may_open_approval
from onboarding import rubric, services
from onboarding.forms.countersign import CountersignForm
from onboarding.forms.staff import (
    AssignInspectorForm,
    CommentForm,
    ContractForm,
    EvaluationForm,
    InspectionForm,
    NoteForm,
    RejectForm,
    ReviewForm,
    SupplementRequestForm,
)
from onboarding.models import (
    PIPELINE,
    Application,
    InspectionItem,
    OnboardingSettings,
    State,
    TrainingTask,
)
from onboarding.services.activation import countersign_preview
from onboarding.services.pipeline import active_criteria
from onboarding.views.common import act, get_application, refuse, to_detail

# The transitions the detail page offers (inline forms or step pages), in this order.
ACTIONS = (
    "start_review",
    "request_supplements",
    "pass_review",
    "file_inspection",
    "submit_evaluation",
    "issue_contract",
    "countersign",
    "reject",
)


def available_actions(app, user) -> list[str]:
    """The transitions this user may take now (django-fsm asks roles.py), in ACTIONS order."""
    names = {t.name for t in app.get_available_user_state_transitions(user)}
    return [name for name in ACTIONS if name in names]


@tenant_view("onboarding.view", model=Application)
def detail(request, pk):
    return _detail_page(request, get_application(request, pk))


def _detail_page(request, app, *, status=200, **bound):
    """The application's page; ``bound`` replaces one of its inline forms by the posted one
    (``reject_form=form``), which then shows its errors and the input."""
    stored = list(files_of(app).select_related("uploaded_by"))
    review = (
        app.reviews.select_related("reviewer")
        .prefetch_related("scores")
        .order_by("-created_at", "-pk")
        .first()
    )
    inspection = app.inspections.select_related("inspector").order_by("-created_at", "-pk").first()
    evaluation = app.evaluations.select_related("author", "pdf").order_by("-created_at", "-pk").first()
    contracts = list(
        app.contracts.select_related("file", "issued_by", "countersigned_by").order_by("-version")
    )
    approval = approvals.latest_request(app)
    tasks = (
        list(TrainingTask.objects.filter(partner_id=app.partner_id).select_related("completed_by"))
        if app.partner_id
        else []
    )
    config = OnboardingSettings.for_tenant(request.tenant)
    forms = {
        "comment_form": CommentForm(),
        "supplement_form": SupplementRequestForm(),
        "reject_form": RejectForm(),
        "note_form": NoteForm(),
        "assign_form": AssignInspectorForm(
            tenant=request.tenant,
            days=config.inspection_days,
            initial={"inspector": app.inspector_id, "due_on": app.due_on},
        )
        if app.state == State.SITE_INSPECTION
        else None,
    } | bound
    return render(
        request,
        "onboarding/detail.html",
        {
            "app": app,
            "steps": progress(app),
            "documents": [f for f in stored if f.kind.startswith("doc:") or f.kind == "supplement"],
            "photos": [f for f in stored if f.kind == "inspection_photo"],
            "review": review,
            "inspection": inspection,
            "evaluation": evaluation,
            "contracts": contracts,
            "approval": approval,
            # The button to the approval's page only for those the page lets in (its own rule).
            "approval_link": approval is not None and may_open_approval(request, approval),
            "approval_steps": list(approval.steps.select_related("approver", "decided_by"))
            if approval
            else [],
            "supplement_requests": list(app.supplement_requests.select_related("requested_by")),
            "tasks": tasks,
            "actions": available_actions(app, request.user),
            "can_assign": app.state == State.SITE_INSPECTION
            and roles.can(request.membership.role, "onboarding.review"),
            **forms,
            "overdue": app.is_overdue(periods.today(request.tenant)),
            "days": app.days_in_state(),
            "timeline": timeline_for(app),
        },
        status=status,
    )


def progress(app):
    """The main line with each step marked done / current (closed applications: as far as they got)."""
    position = PIPELINE.index(app.state) if app.state in PIPELINE else -1
    return [
        (s, "current" if i == position else "done" if i < position else "") for i, s in enumerate(PIPELINE)
    ]


# --- actions posted by the detail page's inline forms ----------------------------------------


def _inline_action(request, app, form, call, *, success: str, slot: str | None = None):
    """The one way the detail page's forms act (the house's action-view pattern): a valid form
    calls ``call(**cleaned_data)``; done: a message and back to the page. An invalid form, or a
    refusal by the service (bad input, someone else moved it first, not your role): the page
    again (400), as it is now, with the errors beside their fields (the form is in the page's
    context as ``slot``, input kept) and the others at the top."""
    if form.is_valid() and act(request, lambda: call(**form.cleaned_data), success=success, form=form):
        return to_detail(request, app)
    for message in form.non_field_errors():
        messages.error(request, message)
    app.refresh_from_db()
    return _detail_page(request, app, status=400, **({slot: form} if slot else {}))


@require_POST
@tenant_view("onboarding.review", model=Application)
def start_review(request, pk):
    app = get_application(request, pk)
    return _inline_action(
        request,
        app,
        CommentForm(request.POST),
        lambda comment: services.start_review(app, by=request.user, comment=comment),
        slot="comment_form",
        success=_("The review has started; you are its channel manager."),
    )


@require_POST
@tenant_view("onboarding.review", model=Application)
def request_supplements(request, pk):
    app = get_application(request, pk)
    return _inline_action(
        request,
        app,
        SupplementRequestForm(request.POST),
        lambda message: services.request_supplements(app, by=request.user, message=message),
        slot="supplement_form",
        success=_("The applicant was asked for supplements by e-mail."),
    )


@require_POST
@tenant_view("onboarding.review", model=Application)
def reject(request, pk):
    app = get_application(request, pk)
    return _inline_action(
        request,
        app,
        RejectForm(request.POST),
        lambda reason: services.reject(app, by=request.user, reason=reason),
        slot="reject_form",
        success=_("Rejected; the applicant was told."),
    )


@tenant_view("onboarding.countersign", model=Application)
def countersign(request, pk):
    """A step page: what countersigning does (the partner it creates, what it carries over, who is
    invited) and an explicit confirmation box; only the POST with the box ticked countersigns."""
    app = get_application(request, pk)
    blocked = _step_page(request, app, "countersign")
    if blocked:
        return blocked
    form = CountersignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if act(
            request,
            lambda: services.countersign(app, by=request.user),
            success=_("Countersigned. The partner is active and its admin has been invited."),
            form=form,
        ):
            return to_detail(request, app)
    contract = services.current_contract(app)
    return render(
        request,
        "onboarding/countersign.html",
        {"app": app, "form": form, "contract": contract, "preview": countersign_preview(app, contract)},
        status=400 if form.errors else 200,
    )


@require_POST
@tenant_view("onboarding.view", model=Application)
def comment(request, pk):
    app = get_application(request, pk)
    return _inline_action(
        request,
        app,
        NoteForm(request.POST),
        lambda body: services.add_comment(app, by=request.user, body=body),
        slot="note_form",
        success=_("Comment added."),
    )


@require_POST
@tenant_view("onboarding.review", model=Application)
def assign_inspector(request, pk):
    app = get_application(request, pk)
    config = OnboardingSettings.for_tenant(request.tenant)
    return _inline_action(
        request,
        app,
        AssignInspectorForm(request.POST, tenant=request.tenant, days=config.inspection_days),
        lambda inspector, due_on: services.assign_inspector(
            app, by=request.user, inspector=inspector, due_on=due_on
        ),
        slot="assign_form",
        success=_("The site inspection was assigned."),
    )


# --- step pages: a form of their own ---------------------------------------------------------


def _step_page(request, app, transition: str):
    """None when the user may take ``transition`` now; otherwise the redirect that says why not."""
    if transition not in available_actions(app, request.user):
        if app.state == State.SITE_INSPECTION and transition == "file_inspection":
            name = app.inspector.display_name if app.inspector_id else "—"
            return refuse(request, app, _("This site inspection is assigned to %(name)s.") % {"name": name})
        return refuse(
            request,
            app,
            _("Not possible now: the application is “%(state)s”.") % {"state": app.get_state_display()},
        )
    return None


@tenant_view("onboarding.review", model=Application)
def review(request, pk):
    app = get_application(request, pk)
    blocked = _step_page(request, app, "pass_review")
    if blocked:
        return blocked
    config = OnboardingSettings.for_tenant(request.tenant)
    criteria = active_criteria()
    form = ReviewForm(
        request.POST or None, criteria=criteria, tenant=request.tenant, days=config.inspection_days
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if act(
            request,
            lambda: services.record_review(
                app,
                by=request.user,
                scores=form.scores(),
                documents_checked=data["documents_checked"],
                comment=data["comment"],
                inspector=data["inspector"],
                due_on=data["due_on"],
            ),
            success=_("Review recorded; the site inspection is assigned."),
            form=form,
        ):
            return to_detail(request, app)
    return render(
        request,
        "onboarding/review.html",
        {
            "app": app,
            "form": form,
            "config": config,
            "documents": files_of(app).filter(kind__startswith="doc:"),
        },
        status=400 if form.errors else 200,
    )


@tenant_view("onboarding.inspect", model=Application)
def inspection(request, pk):
    app = get_application(request, pk)
    blocked = _step_page(request, app, "file_inspection")
    if blocked:
        return blocked
    items = list(InspectionItem.objects.filter(is_active=True).order_by("order", "pk"))
    form = InspectionForm(request.POST or None, request.FILES or None, items=items, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if act(
            request,
            lambda: services.file_inspection(
                app,
                by=request.user,
                visited_on=data["visited_on"],
                results=form.results(),
                score=data["score"],
                findings=data["findings"],
                photos=data["photos"],
            ),
            success=_("Inspection report filed."),
            form=form,
        ):
            return to_detail(request, app)
    return render(
        request, "onboarding/inspection.html", {"app": app, "form": form}, status=400 if form.errors else 200
    )


@tenant_view("onboarding.review", model=Application)
def evaluation(request, pk):
    app = get_application(request, pk)
    blocked = _step_page(request, app, "submit_evaluation")
    if blocked:
        return blocked
    config = OnboardingSettings.for_tenant(request.tenant)
    previous = app.evaluations.order_by("-created_at", "-pk").first()
    initial = (
        {
            "summary": previous.summary,
            "recommendation": previous.recommendation,
            "conditions": previous.conditions,
        }
        if previous
        else None
    )
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if act(
            request,
            lambda: services.submit_evaluation(app, by=request.user, **form.cleaned_data),
            success=_("The evaluation report went to management for approval."),
            form=form,
        ):
            return to_detail(request, app)
    combined = (
        rubric.combined_score(app.review_score, app.inspection_score, config.inspection_weight)
        if app.review_score is not None and app.inspection_score is not None
        else None
    )
    return render(
        request,
        "onboarding/evaluation.html",
        {
            "app": app,
            "form": form,
            "config": config,
            "combined": combined,
            "inspection": app.inspections.order_by("-created_at", "-pk").first(),
            "returned": app.state == State.EVALUATION and previous is not None,
        },
        status=400 if form.errors else 200,
    )


@tenant_view("onboarding.contract", model=Application)
def contract(request, pk):
    app = get_application(request, pk)
    blocked = _step_page(request, app, "issue_contract")
    if blocked:
        return blocked
    config = OnboardingSettings.for_tenant(request.tenant)
    previous = services.current_contract(app)
    initial = ContractForm.initial_for(app, config.contract_months, periods.today(request.tenant), previous)
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if act(
            request,
            lambda: services.issue_contract(app, by=request.user, terms=form.cleaned_data),
            success=_("The contract was issued; the applicant has been sent a link to sign it."),
            form=form,
        ):
            return to_detail(request, app)
    return render(
        request,
        "onboarding/contract.html",
        {"app": app, "form": form, "previous": previous, "template": services.current_template()},
        status=400 if form.errors else 200,
    )
