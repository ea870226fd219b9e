"""The company's side of the pipeline: review, supplements, inspection, evaluation,
approval (through channelhub.approvals), rejection. One function per action; each
locks the application, runs the transition, audits, and notifies after commit."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _

from channelhub import approvals, audit, files
from channelhub.approvals import Approver
from channelhub.documents import render_pdf
from channelhub.roles import Role
from onboarding import rubric
from onboarding.models import (
    EvaluationReport,
    InspectionItem,
    InspectionReport,
    OnboardingSettings,
    Review,
    ReviewScore,
    ScreeningCriterion,
    State,
    SupplementRequest,
    tenant_today,
)
from onboarding.models.application import role_of
from onboarding.services.common import (
    atomic,
    email_applicant,
    lock,
    members_with,
    require,
    run,
    tell_owner,
    tell_staff,
)

APPROVAL_ACTION = "onboarding.admission"


def start_review(application, *, by, comment: str = ""):
    with atomic():
        app = lock(application)
        if app.owner_id is None:
            app.owner = by
        run(app, "start_review", by=by, comment=comment)
    return app


def request_supplements(application, *, by, message: str):
    if not message.strip():
        raise ValidationError({"message": _("Say what is missing: the applicant reads this.")})
    with atomic():
        app = lock(application)
        run(app, "request_supplements", by=by, comment=message)
        SupplementRequest.objects.create(application=app, message=message.strip(), requested_by=by)
        email_applicant(app, "supplements_requested", message=message.strip())
    return app


def active_criteria():
    return list(ScreeningCriterion.objects.filter(is_active=True).order_by("order", "pk"))


def check_inspector(inspector, tenant_id):
    if inspector is None or not _can(inspector, tenant_id, "onboarding.inspect"):
        raise ValidationError({"inspector": _("Choose a colleague who may carry out site inspections.")})


def _can(user, tenant_id, permission):
    from channelhub.roles import can

    return can(role_of(user, tenant_id), permission)


def record_review(
    application, *, by, scores: dict, documents_checked: bool, comment: str, inspector, due_on=None
):
    """Score against the rubric; at or above the pass mark the application goes to site
    inspection with ``inspector``. Below it nothing is saved: return or reject instead."""
    criteria = active_criteria()
    if not criteria:
        raise ValidationError(_("The screening rubric has no criteria yet; the tenant admin sets them up."))
    missing = [c.name for c in criteria if scores.get(c.pk) is None]
    if missing:
        raise ValidationError(_("Score every criterion: %(names)s.") % {"names": "、".join(missing)})
    if not documents_checked:
        raise ValidationError({"documents_checked": _("Confirm that you checked the documents.")})
    lines = [rubric.Line(c.weight, c.max_score, int(scores[c.pk])) for c in criteria]
    try:
        total = rubric.weighted_total(lines)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    config = OnboardingSettings.for_tenant(application.tenant)
    if not rubric.passes(total, config.pass_mark):
        raise ValidationError(
            _(
                "The weighted score is %(total)s, below the pass mark of %(mark)s: return the application for supplements or reject it."
            )
            % {"total": total, "mark": config.pass_mark},
            code="below_pass_mark",
        )
    check_inspector(inspector, application.tenant_id)
    today = tenant_today(application.tenant)
    due_on = due_on or today + timedelta(days=config.inspection_days)
    if due_on < today:
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    with atomic():
        app = lock(application)
        review = Review.objects.create(
            application=app,
            reviewer=by,
            total=total,
            pass_mark=config.pass_mark,
            passed=True,
            documents_checked=True,
            comment=comment,
        )
        ReviewScore.objects.bulk_create(
            ReviewScore(
                tenant_id=app.tenant_id,
                review=review,
                criterion=c,
                name=c.name,
                weight=c.weight,
                max_score=c.max_score,
                score=int(scores[c.pk]),
            )
            for c in criteria
        )
        app.review_score = total
        app.inspector = inspector
        run(
            app,
            "pass_review",
            by=by,
            comment=comment,
            due_on=due_on,
            changes={"score": ["", str(total)], "inspector": ["", inspector.display_name]},
        )
        tell_staff(app, [inspector], _("site inspection assigned to you, due %(date)s") % {"date": due_on})
    return app


def assign_inspector(application, *, by, inspector, due_on):
    require(by, "onboarding.review", application.tenant_id)
    check_inspector(inspector, application.tenant_id)
    if due_on < tenant_today(application.tenant):
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    with atomic():
        app = lock(application)
        if app.state != State.SITE_INSPECTION:
            from onboarding.services.common import WrongState

            raise WrongState(app)
        before = (app.inspector.display_name if app.inspector_id else "", str(app.due_on or ""))
        app.inspector, app.due_on = inspector, due_on
        app.save(update_fields=["inspector", "due_on"])
        audit.record(
            app,
            "onboarding.inspector_assigned",
            actor=by,
            changes={"inspector": [before[0], inspector.display_name], "due": [before[1], str(due_on)]},
        )
        tell_staff(app, [inspector], _("site inspection assigned to you, due %(date)s") % {"date": due_on})
    return app


def file_inspection(application, *, by, visited_on, results: dict, score, findings: str, photos: list):
    """The assigned inspector's report: every checklist item answered, a score, findings, photos."""
    items = list(InspectionItem.objects.filter(is_active=True).order_by("order", "pk"))
    unanswered = [i.text for i in items if results.get(i.pk, {}).get("result") not in {"pass", "fail", "na"}]
    if unanswered:
        raise ValidationError(_("Answer every checklist item: %(items)s.") % {"items": "、".join(unanswered)})
    if not findings.strip():
        raise ValidationError({"findings": _("Write down what you found.")})
    if not photos:
        raise ValidationError({"photos": _("Add at least one photo of the site.")})
    with atomic():
        app = lock(application)
        report = InspectionReport.objects.create(
            application=app,
            inspector=by,
            visited_on=visited_on,
            checklist=[
                {"item": i.text, "result": results[i.pk]["result"], "note": results[i.pk].get("note", "")}
                for i in items
            ],
            score=score,
            findings=findings.strip(),
        )
        app.inspection_score = report.score
        run(app, "file_inspection", by=by, comment=findings.strip(), changes={"score": ["", str(score)]})
        for photo in photos:
            files.store_file(app, photo, kind="inspection_photo", by=by)
        tell_owner(app, _("site inspection report filed (score %(score)s)") % {"score": score})
    return app


def submit_evaluation(application, *, by, summary: str, recommendation: str, conditions: str = ""):
    """The evaluation report (with its PDF) goes to management through the approval mechanism."""
    if not summary.strip():
        raise ValidationError({"summary": _("Write the summary management will read.")})
    config = OnboardingSettings.for_tenant(application.tenant)
    approver_roles = config.approval_roles or list(OnboardingSettings.DEFAULT_APPROVAL_ROLES)
    for role in approver_roles:
        if not members_with(role):
            raise ValidationError(
                _("Nobody holds the role “%(role)s” that approves admissions; ask the tenant admin.")
                % {"role": Role(role).label}
            )
    with atomic():
        app = lock(application)
        if app.review_score is None or app.inspection_score is None:
            raise ValidationError(_("The screening review and the site inspection must be done first."))
        report = EvaluationReport.objects.create(
            application=app,
            author=by,
            review_score=app.review_score,
            inspection_score=app.inspection_score,
            inspection_weight=config.inspection_weight,
            combined_score=rubric.combined_score(
                app.review_score, app.inspection_score, config.inspection_weight
            ),
            summary=summary.strip(),
            recommendation=recommendation,
            conditions=conditions.strip(),
        )
        report.pdf = _evaluation_pdf(app, report)
        report.save(update_fields=["pdf"])
        today = tenant_today(app.tenant)
        run(
            app,
            "submit_evaluation",
            by=by,
            comment=summary.strip(),
            due_on=today + timedelta(days=config.approval_days),
        )
        with translation.override(app.tenant.default_language):
            title = _("Admission of %(company)s") % {"company": app.company_name}
        approvals.request_approval(
            app,
            action=APPROVAL_ACTION,
            title=title,
            steps=[Approver(role=role) for role in approver_roles],
            by=by,
            summary=summary.strip(),
        )
    return app


def _evaluation_pdf(app, report):
    from onboarding.models import InspectionReport as Inspection
    from onboarding.models import Review as ReviewModel

    review = ReviewModel.objects.filter(application=app).prefetch_related("scores").last()
    inspection = Inspection.objects.filter(application=app).last()
    pdf = render_pdf(
        "onboarding/documents/evaluation.html",
        {
            "tenant": app.tenant,
            "application": app,
            "report": report,
            "review": review,
            "inspection": inspection,
        },
        language=app.tenant.default_language,
    )
    upload = ContentFile(pdf, name=f"evaluation-{app.reference}.pdf")
    return files.store_file(app, upload, kind="evaluation_report", by=report.author, mime_type=files.PDF)


# --- approval callbacks (registered in onboarding/apps.py) ------------------------------------


def _decision_comment(request) -> str:
    step = request.steps.exclude(decision="").order_by("-order").first()
    return step.comment if step else ""


def on_approved(application, request, by):
    app = lock(application)
    run(app, "approve", by=by, comment=_decision_comment(request))
    email_applicant(app, "approved")
    tell_owner(app, _("approved by management: issue the contract"))


def on_rejected(application, request, by):
    app = lock(application)
    reason = _decision_comment(request)
    run(app, "decline", by=by, comment=reason)
    email_applicant(app, "rejected", reason=reason)
    tell_owner(app, _("rejected by management"), reason)


def on_returned(application, request, by):
    app = lock(application)
    reason = _decision_comment(request)
    run(app, "return_to_evaluation", by=by, comment=reason)
    tell_owner(app, _("returned by management: revise the evaluation"), reason)


def describe_for_approvers(app):
    report = app.evaluations.order_by("-created_at", "-pk").first()
    rows = [
        (_("Company"), app.company_name),
        (_("Unified social credit code"), app.credit_code),
        (_("Channel type"), app.get_channel_type_display()),
        (_("Territory"), app.territory + (" · " + _("exclusive") if app.wants_exclusive else "")),
        (_("Registered capital (CNY)"), f"{app.registered_capital:,.2f}"),
        (_("Screening score"), app.review_score),
        (_("Inspection score"), app.inspection_score),
    ]
    if report:
        rows += [
            (_("Combined score"), report.combined_score),
            (_("Recommendation"), report.get_recommendation_display()),
            (_("Conditions"), report.conditions),
        ]
    return rows


def reject(application, *, by, reason: str):
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the applicant is told.")})
    with atomic():
        app = lock(application)
        run(app, "reject", by=by, comment=reason.strip())
        email_applicant(app, "rejected", reason=reason.strip())
        if app.owner_id and app.owner_id != by.pk:
            tell_owner(app, _("rejected"), reason.strip())
    return app


def add_comment(application, *, by, body: str):
    if not body.strip():
        raise ValidationError({"body": _("Write something first.")})
    require(by, "onboarding.view", application.tenant_id)
    return audit.add_comment(application, author=by, body=body.strip())
