"""The company's side of the pipeline: review, supplements, inspection, evaluation,
approval (through channelhub.approvals), rejection. One function per action; each runs
its transition through ``channelhub.workflow`` (lock, "already changed" check, who may,
audit entry) and notifies after commit, in one transaction."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channelhub import approvals, audit, files, periods, roles, workflow
from channelhub.approvals import Approver
from channelhub.documents import render_pdf
from channelhub.notifications import Text
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
)
from onboarding.services.common import atomic, email_applicant, in_reach, tell_owner, tell_staff

APPROVAL_ACTION = "onboarding.admission"


def start_review(application, *, by, comment: str = ""):
    in_reach(application)
    # Whoever starts the review of an application nobody owns becomes its channel manager.
    return workflow.transition(
        application,
        "start_review",
        by=by,
        verb="onboarding.start_review",
        comment=comment,
        fields={"owner": by} if application.owner_id is None else None,
    )


def request_supplements(application, *, by, message: str):
    in_reach(application)
    if not message.strip():
        raise ValidationError({"message": _("Say what is missing: the applicant reads this.")})
    with atomic():
        workflow.transition(
            application, "request_supplements", by=by, verb="onboarding.request_supplements", comment=message
        )
        SupplementRequest.objects.create(application=application, message=message.strip(), requested_by=by)
        email_applicant(application, "supplements_requested", message=message.strip())
    return application


def active_criteria():
    return list(ScreeningCriterion.objects.filter(is_active=True).order_by("order", "pk"))


def check_inspector(inspector, tenant_id):
    if inspector is None or not roles.can(roles.role_of(inspector, tenant_id), "onboarding.inspect"):
        raise ValidationError({"inspector": _("Choose a colleague who may carry out site inspections.")})


def record_review(
    application, *, by, scores: dict, documents_checked: bool, comment: str, inspector, due_on=None
):
    """Score against the rubric; at or above the pass mark the application goes to site
    inspection with ``inspector``. Below it nothing is saved: return or reject instead."""
    in_reach(application)
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
    today = periods.today(application.tenant)
    due_on = due_on or today + timedelta(days=config.inspection_days)
    if due_on < today:
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    with atomic():
        workflow.transition(
            application,
            "pass_review",
            by=by,
            verb="onboarding.pass_review",
            comment=comment,
            changes={"score": ["", str(total)], "inspector": ["", inspector.display_name]},
            fields={"review_score": total, "inspector": inspector, "due_on": due_on},
        )
        review = Review.objects.create(
            application=application,
            reviewer=by,
            total=total,
            pass_mark=config.pass_mark,
            passed=True,
            documents_checked=True,
            comment=comment,
        )
        ReviewScore.objects.bulk_create(
            ReviewScore(
                tenant_id=application.tenant_id,
                review=review,
                criterion=c,
                name=c.name,
                weight=c.weight,
                max_score=c.max_score,
                score=int(scores[c.pk]),
            )
            for c in criteria
        )
        tell_staff(
            application,
            [inspector],
            Text(gettext_noop("site inspection assigned to you, due %(date)s"), date=due_on),
        )
    return application


def assign_inspector(application, *, by, inspector, due_on):
    """Give the site inspection to another inspector or a new due date (no transition)."""
    in_reach(application)
    roles.require(by, "onboarding.review", application.tenant_id)
    check_inspector(inspector, application.tenant_id)
    if due_on < periods.today(application.tenant):
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    with atomic():
        app = workflow.lock(application)
        if app.state != State.SITE_INSPECTION:
            raise workflow.WrongState(app)
        before = (app.inspector.display_name if app.inspector_id else "", str(app.due_on or ""))
        app.inspector, app.due_on = inspector, due_on
        app.save(update_fields=["inspector", "due_on"])
        audit.record(
            app,
            "onboarding.inspector_assigned",
            actor=by,
            changes={"inspector": [before[0], inspector.display_name], "due": [before[1], str(due_on)]},
        )
        tell_staff(
            app, [inspector], Text(gettext_noop("site inspection assigned to you, due %(date)s"), date=due_on)
        )
    return app


def file_inspection(application, *, by, visited_on, results: dict, score, findings: str, photos: list):
    """The assigned inspector's report: every checklist item answered, a score, findings, photos."""
    in_reach(application)
    items = list(InspectionItem.objects.filter(is_active=True).order_by("order", "pk"))
    unanswered = [i.text for i in items if results.get(i.pk, {}).get("result") not in {"pass", "fail", "na"}]
    if unanswered:
        raise ValidationError(_("Answer every checklist item: %(items)s.") % {"items": "、".join(unanswered)})
    if not findings.strip():
        raise ValidationError({"findings": _("Write down what you found.")})
    if not photos:
        raise ValidationError({"photos": _("Add at least one photo of the site.")})
    with atomic():
        workflow.transition(
            application,
            "file_inspection",
            by=by,
            verb="onboarding.file_inspection",
            comment=findings.strip(),
            changes={"score": ["", str(score)]},
            fields={"inspection_score": score},
        )
        InspectionReport.objects.create(
            application=application,
            inspector=by,
            visited_on=visited_on,
            checklist=[
                {"item": i.text, "result": results[i.pk]["result"], "note": results[i.pk].get("note", "")}
                for i in items
            ],
            score=score,
            findings=findings.strip(),
        )
        for photo in photos:
            files.store_file(application, photo, kind="inspection_photo", by=by)
        tell_owner(
            application, Text(gettext_noop("site inspection report filed (score %(score)s)"), score=score)
        )
    return application


def submit_evaluation(application, *, by, summary: str, recommendation: str, conditions: str = ""):
    """The evaluation report (with its PDF) goes to management through the approval mechanism."""
    in_reach(application)
    if not summary.strip():
        raise ValidationError({"summary": _("Write the summary management will read.")})
    config = OnboardingSettings.for_tenant(application.tenant)
    approver_roles = config.approval_roles or list(OnboardingSettings.DEFAULT_APPROVAL_ROLES)
    for role in approver_roles:
        if not roles.members_with(role):
            raise ValidationError(
                _("Nobody holds the role “%(role)s” that approves admissions; ask the tenant admin.")
                % {"role": Role(role).label}
            )
    with atomic():
        app = workflow.lock(application)  # the scores are read under the lock
        if app.review_score is None or app.inspection_score is None:
            raise ValidationError(_("The screening review and the site inspection must be done first."))
        workflow.transition(
            app,
            "submit_evaluation",
            by=by,
            verb="onboarding.submit_evaluation",
            comment=summary.strip(),
            fields={"due_on": periods.today(app.tenant) + timedelta(days=config.approval_days)},
        )
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
    review = Review.objects.filter(application=app).prefetch_related("scores").last()
    inspection = InspectionReport.objects.filter(application=app).last()
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


# --- approval callbacks (registered in onboarding/registration.py) ----------------------------
# The approval mechanism is the authority (the transitions say ``BY_APPROVAL``); ``by`` is
# the approver who decided the last step. They run inside the decision's transaction.


def _decision_comment(request) -> str:
    step = request.steps.exclude(decision="").order_by("-order").first()
    return step.comment if step else ""


def on_approved(application, request, by):
    workflow.transition(
        application, "approve", by=by, verb="onboarding.approve", comment=_decision_comment(request)
    )
    email_applicant(application, "approved")
    tell_owner(application, Text(gettext_noop("approved by management: issue the contract")))


def on_rejected(application, request, by):
    reason = _decision_comment(request)
    workflow.transition(application, "decline", by=by, verb="onboarding.decline", comment=reason)
    email_applicant(application, "rejected", reason=reason)
    tell_owner(application, Text(gettext_noop("rejected by management")), reason)


def on_returned(application, request, by):
    reason = _decision_comment(request)
    workflow.transition(
        application, "return_to_evaluation", by=by, verb="onboarding.return_to_evaluation", comment=reason
    )
    tell_owner(application, Text(gettext_noop("returned by management: revise the evaluation")), reason)


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
    in_reach(application)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the applicant is told.")})
    with atomic():
        workflow.transition(application, "reject", by=by, verb="onboarding.reject", comment=reason.strip())
        email_applicant(application, "rejected", reason=reason.strip())
        if application.owner_id and application.owner_id != by.pk:
            tell_owner(application, Text(gettext_noop("rejected")), reason.strip())
    return application


def add_comment(application, *, by, body: str):
    if not body.strip():
        raise ValidationError({"body": _("Write something first.")})
    roles.require(by, "onboarding.view", application.tenant_id)
    return audit.add_comment(application, author=by, body=body.strip())
