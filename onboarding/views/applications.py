"""An application's page (everything, with the timeline) and the company's actions on it.
Thin: each action validates its form and calls one service."""

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channelhub.access import tenant_view
from channelhub.audit import timeline_for
from channelhub.files import files_of
from channelhub.models import ApprovalRequest
from onboarding import services
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
    tenant_today,
)
from onboarding.services.pipeline import active_criteria
from onboarding.views.common import act, get_application, refuse, to_detail

# Transition -> how the detail page offers it: an inline form (posting to a URL) or a page.
ACTIONS = {
    "start_review": ("onboarding:start-review", "inline"),
    "request_supplements": ("onboarding:request-supplements", "inline"),
    "pass_review": ("onboarding:review", "page"),
    "file_inspection": ("onboarding:inspection", "page"),
    "submit_evaluation": ("onboarding:evaluation", "page"),
    "issue_contract": ("onboarding:contract", "page"),
    "countersign": ("onboarding:countersign", "inline"),
    "reject": ("onboarding:reject", "inline"),
}


def available_actions(app, user) -> list[str]:
    """The transitions this user may take now (django-fsm asks roles.py), in ACTIONS order."""
    names = {t.name for t in app.get_available_user_state_transitions(user)}
    return [name for name in ACTIONS if name in names]


@tenant_view("onboarding.view", model=Application)
def detail(request, pk):
    app = get_application(request, pk)
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
    approval = (
        ApprovalRequest.objects.filter(
            content_type=ContentType.objects.get_for_model(Application), object_id=app.pk
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    tasks = (
        list(TrainingTask.objects.filter(partner_id=app.partner_id).select_related("completed_by"))
        if app.partner_id
        else []
    )
    actions = available_actions(app, request.user)
    config = OnboardingSettings.for_tenant(request.tenant)
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
            "approval_steps": list(approval.steps.select_related("approver", "decided_by"))
            if approval
            else [],
            "supplement_requests": list(app.supplement_requests.select_related("requested_by")),
            "tasks": tasks,
            "actions": actions,
            "action_urls": {name: ACTIONS[name] for name in actions},
            "can_assign": app.state == State.SITE_INSPECTION
            and request.membership.role in _roles("onboarding.review"),
            "assign_form": AssignInspectorForm(
                tenant=request.tenant,
                days=config.inspection_days,
                initial={"inspector": app.inspector_id, "due_on": app.due_on},
            )
            if app.state == State.SITE_INSPECTION
            else None,
            "comment_form": CommentForm(),
            "supplement_form": SupplementRequestForm(),
            "reject_form": RejectForm(),
            "note_form": NoteForm(),
            "overdue": app.is_overdue(tenant_today(request.tenant)),
            "days": app.days_in_state(),
            "timeline": timeline_for(app),
        },
    )


def progress(app):
    """The main line with each step marked done / current (closed applications: as far as they got)."""
    position = PIPELINE.index(app.state) if app.state in PIPELINE else -1
    return [
        (s, "current" if i == position else "done" if i < position else "") for i, s in enumerate(PIPELINE)
    ]


def _roles(permission):
    from channelhub.roles import PERMISSIONS

    return PERMISSIONS[permission]


@require_POST
@tenant_view("onboarding.review", model=Application)
def start_review(request, pk):
    app = get_application(request, pk)
    form = CommentForm(request.POST)
    form.is_valid()
    act(
        request,
        app,
        lambda: services.start_review(app, by=request.user, comment=form.cleaned_data.get("comment", "")),
        success=_("The review has started; you are its channel manager."),
    )
    return to_detail(request, app)


@require_POST
@tenant_view("onboarding.review", model=Application)
def request_supplements(request, pk):
    app = get_application(request, pk)
    form = SupplementRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    act(
        request,
        app,
        lambda: services.request_supplements(app, by=request.user, message=message),
        success=_("The applicant was asked for supplements by e-mail."),
    )
    return to_detail(request, app)


@require_POST
@tenant_view("onboarding.review", model=Application)
def reject(request, pk):
    app = get_application(request, pk)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    act(
        request,
        app,
        lambda: services.reject(app, by=request.user, reason=reason),
        success=_("Rejected; the applicant was told."),
    )
    return to_detail(request, app)


@require_POST
@tenant_view("onboarding.countersign", model=Application)
def countersign(request, pk):
    app = get_application(request, pk)
    act(
        request,
        app,
        lambda: services.countersign(app, by=request.user),
        success=_("Countersigned. The partner is active and its admin has been invited."),
    )
    return to_detail(request, app)


@require_POST
@tenant_view("onboarding.view", model=Application)
def comment(request, pk):
    app = get_application(request, pk)
    form = NoteForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    act(
        request,
        app,
        lambda: services.add_comment(app, by=request.user, body=body),
        success=_("Comment added."),
    )
    return to_detail(request, app)


@require_POST
@tenant_view("onboarding.review", model=Application)
def assign_inspector(request, pk):
    app = get_application(request, pk)
    config = OnboardingSettings.for_tenant(request.tenant)
    form = AssignInspectorForm(request.POST, tenant=request.tenant, days=config.inspection_days)
    if form.is_valid():
        act(
            request,
            app,
            lambda: services.assign_inspector(app, by=request.user, **form.cleaned_data),
            success=_("The site inspection was assigned."),
        )
    else:
        refuse(request, app, _("Choose an inspector and a due date."))
    return to_detail(request, app)


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
            app,
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
            app,
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
    from onboarding import rubric

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
            app,
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
    initial = ContractForm.initial_for(app, config.contract_months, tenant_today(request.tenant), previous)
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if act(
            request,
            app,
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
