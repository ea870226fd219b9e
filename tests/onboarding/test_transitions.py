"""Every transition through its service: the state, the audit entry (from → to), the
notifications; and every refusal: wrong role, missing inputs, wrong state, another tenant."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from channelhub import workflow
from channelhub.models import Activity, Invitation, Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from onboarding import services
from onboarding.models import (
    Application,
    InspectionItem,
    Review,
    State,
    SupplementRequest,
    TrainingTask,
)
from partners.models import Partner
from tests.onboarding.conftest import photo_upload

pytestmark = pytest.mark.django_db


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def last_activity(app):
    with tenant_context(app.tenant):
        return (
            Activity.objects.filter(object_id=app.pk, verb__startswith="onboarding.").order_by("-pk").first()
        )


def test_a_submission_is_audited_mailed_and_assigned_to_the_campaigns_manager(pipeline, people, alpha):
    app = pipeline.submit()
    assert (app.state, app.owner) == (State.SUBMITTED, people.manager)
    entry = last_activity(app)
    assert (entry.verb, entry.to_state, entry.via, entry.actor) == (
        "onboarding.submitted",
        "submitted",
        "applicant",
        None,
    )
    received = mails_to("zhao@chiyuan.example.cn")
    assert len(received) == 1 and "/join/alpha/status/" in received[0].body
    with tenant_context(alpha):
        assert Notification.objects.filter(recipient=people.manager, kind="onboarding").exists()
        from channelhub.files import files_of

        assert sorted(f.kind for f in files_of(app)) == ["doc:business_licence", "doc:legal_rep_id"]


@pytest.mark.parametrize(
    ("target", "verb", "before"),
    [
        (State.UNDER_REVIEW, "onboarding.start_review", State.SUBMITTED),
        (State.SITE_INSPECTION, "onboarding.pass_review", State.UNDER_REVIEW),
        (State.EVALUATION, "onboarding.file_inspection", State.SITE_INSPECTION),
        (State.PENDING_APPROVAL, "onboarding.submit_evaluation", State.EVALUATION),
        (State.APPROVED, "onboarding.approve", State.PENDING_APPROVAL),
        (State.CONTRACT_ISSUED, "onboarding.issue_contract", State.APPROVED),
        (State.CONTRACT_SIGNED, "onboarding.sign_contract", State.CONTRACT_ISSUED),
        (State.ACTIVE, "onboarding.countersign", State.CONTRACT_SIGNED),
    ],
)
def test_each_main_line_transition_moves_and_audits(pipeline, target, verb, before):
    app = pipeline.to(before)
    moved = pipeline.step(app, target)
    moved = pipeline.refresh(moved)
    assert moved.state == target
    entry = last_activity(moved)
    assert (entry.verb, entry.from_state, entry.to_state) == (verb, before, target)


def test_review_records_the_rubric_and_assigns_the_inspector(pipeline, people, alpha):
    app = pipeline.to(State.SITE_INSPECTION)
    with tenant_context(alpha):
        review = Review.objects.get(application=app)
        assert review.total == Decimal("80.00") and review.passed and review.scores.count() == 6
        assert app.inspector == people.inspector and app.due_on == date.today() + timedelta(days=7)
        assert Notification.objects.filter(recipient=people.inspector, kind="onboarding").exists()


def test_countersigning_creates_the_partner_links_documents_trains_and_invites(pipeline, alpha):
    app = pipeline.to(State.ACTIVE)
    with tenant_context(alpha):
        partner = Partner.objects.get(pk=app.partner_id)
        assert (partner.name, partner.credit_code, partner.channel_type) == (
            app.company_name,
            app.credit_code,
            "distributor",
        )
        from channelhub.files import files_of

        kinds = sorted(f.kind for f in files_of(partner))
        assert kinds == ["contract", "doc:business_licence", "doc:legal_rep_id"]
        tasks = TrainingTask.objects.filter(partner=partner)
        assert [t.title for t in tasks] == ["公司文化", "产品知识", "销售技巧", "技术操作", "售后服务"]
        invitation = Invitation.objects.get(email=app.contact_email)
        assert (invitation.role, invitation.partner) == (Role.PARTNER_ADMIN, partner)
        assert app.closed_at is not None


def test_supplements_round_trip(pipeline, people, alpha, django_capture_on_commit_callbacks):
    app = pipeline.to(State.UNDER_REVIEW)
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.request_supplements(app, by=people.manager, message="请补充财务报表")
    app = pipeline.refresh(app)
    assert app.state == State.AWAITING_SUPPLEMENTS
    asked = mails_to(app.contact_email)[-1]
    assert "请补充财务报表" in asked.body and "/status/" in asked.body
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.supply_supplements(app, reply="已上传", uploads=[photo_upload("报表.png")])
    app = pipeline.refresh(app)
    assert app.state == State.UNDER_REVIEW
    with tenant_context(alpha):
        request = SupplementRequest.objects.get(application=app)
        assert (request.reply, request.replied_at is not None) == ("已上传", True)
        from channelhub.files import files_of

        assert files_of(app, "supplement").count() == 1
        entry = last_activity(app)
        assert (entry.verb, entry.from_state, entry.to_state) == (
            "onboarding.supply",
            "awaiting_supplements",
            "under_review",
        )


@pytest.mark.parametrize(
    "state",
    [
        State.SUBMITTED,
        State.UNDER_REVIEW,
        State.SITE_INSPECTION,
        State.EVALUATION,
        State.APPROVED,
        State.CONTRACT_ISSUED,
        State.CONTRACT_SIGNED,
    ],
)
def test_reject_from_each_open_state_tells_the_applicant(
    pipeline, people, alpha, state, django_capture_on_commit_callbacks
):
    app = pipeline.to(state)
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.reject(app, by=people.manager, reason="区域已饱和")
    app = pipeline.refresh(app)
    assert app.state == State.REJECTED and app.closed_at
    assert "区域已饱和" in mails_to(app.contact_email)[-1].body


@pytest.mark.parametrize(
    "state", [State.SUBMITTED, State.UNDER_REVIEW, State.PENDING_APPROVAL, State.CONTRACT_ISSUED]
)
def test_the_applicant_may_withdraw_until_signing(pipeline, alpha, state):
    app = pipeline.to(state)
    with tenant_context(alpha):
        services.withdraw(app, reason="改变计划")
        app = pipeline.refresh(app)
        assert app.state == State.WITHDRAWN
        if state == State.PENDING_APPROVAL:
            from channelhub.models import ApprovalRequest

            assert ApprovalRequest.objects.get(object_id=app.pk).status == "cancelled"


# --- refusals -------------------------------------------------------------------------------


def test_wrong_state_is_refused_with_a_clear_message(pipeline, people, alpha):
    app = pipeline.to(State.UNDER_REVIEW)
    with tenant_context(alpha):
        with pytest.raises(services.WrongState, match="Under review|审核中|no longer possible|无法"):
            services.start_review(app, by=people.manager)
        with pytest.raises(services.WrongState):
            services.sign_contract(app, signer_name="x", sha256="0" * 64, agreed=True)
        with pytest.raises(services.WrongState):
            services.supply_supplements(app, reply="x", uploads=[])
        with pytest.raises(services.WrongState):
            services.countersign(app, by=people.supervisor)
    signed = pipeline.to(State.CONTRACT_SIGNED)
    with tenant_context(alpha), pytest.raises(services.WrongState):
        services.withdraw(signed)
    assert pipeline.refresh(app).state == State.UNDER_REVIEW


def test_a_stale_copy_cannot_move_an_application_twice(pipeline, people, alpha):
    app = pipeline.to(State.SUBMITTED)
    stale = pipeline.refresh(app)
    with tenant_context(alpha):
        services.start_review(app, by=people.manager)
        with pytest.raises(services.WrongState):
            services.start_review(stale, by=people.supervisor)
        assert Activity.objects.filter(object_id=app.pk, verb="onboarding.start_review").count() == 1


def test_two_reviewers_starting_the_same_review_one_wins_and_the_other_is_told_who(pipeline, people, alpha):
    app = pipeline.to(State.SUBMITTED)
    first, second = pipeline.refresh(app), pipeline.refresh(app)  # two people opened the page
    with tenant_context(alpha):
        services.start_review(first, by=people.manager)
        with pytest.raises(workflow.AlreadyChanged) as late:
            services.start_review(second, by=people.supervisor)
        assert Activity.objects.filter(object_id=app.pk, verb="onboarding.start_review").count() == 1
    assert people.manager.display_name in late.value.messages[0]
    assert (late.value.actor, second.state) == (people.manager, State.UNDER_REVIEW)  # reloaded
    assert pipeline.refresh(app).state == State.UNDER_REVIEW


def test_the_runner_stamps_the_time_in_state_the_closing_and_the_step_deadline(pipeline, people, alpha):
    app = pipeline.to(State.SITE_INSPECTION)
    assert app.due_on is not None and app.closed_at is None
    since = app.state_changed_at
    moved = pipeline.refresh(pipeline.step(app, State.EVALUATION))
    assert moved.state_changed_at > since and moved.due_on is None  # the inspection's deadline went with it
    with tenant_context(alpha):
        services.reject(moved, by=people.manager, reason="区域已饱和")
    assert pipeline.refresh(moved).closed_at is not None


def test_the_partner_is_made_by_the_registry_and_remembers_the_application(pipeline, alpha):
    app = pipeline.to(State.ACTIVE)
    with tenant_context(alpha):
        partner = Partner.objects.get(pk=app.partner_id)
        assert (partner.status, partner.admission_reference) == ("active", app.reference)
        assert Activity.objects.filter(object_id=partner.pk, verb="partner.created").exists()


def test_countersigning_a_credit_code_already_in_the_registry_is_refused(pipeline, people, alpha):
    app = pipeline.to(State.CONTRACT_SIGNED)
    with tenant_context(alpha):
        from tests.factories import PartnerFactory

        PartnerFactory(tenant=alpha, credit_code=app.credit_code)  # registered meanwhile, by hand
        with pytest.raises(ValidationError, match="already exists|已存在"):
            services.countersign(app, by=people.supervisor)
    assert pipeline.refresh(app).state == State.CONTRACT_SIGNED


@pytest.mark.parametrize(
    ("state", "call", "role"),
    [
        (State.SUBMITTED, lambda app, by: services.start_review(app, by=by), Role.FINANCE),
        (State.SUBMITTED, lambda app, by: services.start_review(app, by=by), Role.EXECUTIVE),
        (
            State.UNDER_REVIEW,
            lambda app, by: services.request_supplements(app, by=by, message="x"),
            Role.TECH_SUPPORT,
        ),
        (State.SITE_INSPECTION, None, Role.CHANNEL_MANAGER),  # not the assigned inspector
        (
            State.EVALUATION,
            lambda app, by: services.submit_evaluation(app, by=by, summary="x", recommendation="admit"),
            Role.EXECUTIVE,
        ),
        (
            State.APPROVED,
            lambda app, by: services.issue_contract(app, by=by, terms=None),
            Role.CHANNEL_SUPERVISOR,
        ),
        (State.CONTRACT_SIGNED, lambda app, by: services.countersign(app, by=by), Role.CHANNEL_MANAGER),
        (State.UNDER_REVIEW, lambda app, by: services.reject(app, by=by, reason="x"), Role.MARKETING),
    ],
)
def test_the_wrong_role_is_refused(pipeline, member, alpha, state, call, role):
    from onboarding.services.pipeline import file_inspection

    app = pipeline.to(state)
    user = member(role)
    if call is None:
        items = {i.pk: {"result": "pass"} for i in InspectionItem.objects.all()} if False else None

        def call(app, by):
            with tenant_context(alpha):
                results = {i.pk: {"result": "pass"} for i in InspectionItem.objects.all()}
            return file_inspection(
                app,
                by=by,
                visited_on=date.today(),
                results=results,
                score=80,
                findings="x",
                photos=[photo_upload()],
            )

        assert items is None
    if state == State.APPROVED:
        terms = pipeline.terms(app)

        def call(app, by, terms=terms):
            return services.issue_contract(app, by=by, terms=terms)

    with tenant_context(alpha), pytest.raises(PermissionDenied):
        call(app, user)
    assert pipeline.refresh(app).state == state


def test_missing_inputs_are_refused(pipeline, people, alpha):
    app = pipeline.to(State.UNDER_REVIEW)
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="message|missing|缺"):
            services.request_supplements(app, by=people.manager, message="  ")
        with pytest.raises(ValidationError):
            services.reject(app, by=people.manager, reason="")
        scores = pipeline.scores()
        scores.popitem()
        with pytest.raises(ValidationError, match="every criterion|每"):
            services.record_review(
                app,
                by=people.manager,
                scores=scores,
                documents_checked=True,
                comment="",
                inspector=people.inspector,
            )
        with pytest.raises(ValidationError):
            services.record_review(
                app,
                by=people.manager,
                scores=pipeline.scores(),
                documents_checked=False,
                comment="",
                inspector=people.inspector,
            )
        with pytest.raises(ValidationError) as below:
            services.record_review(
                app,
                by=people.manager,
                scores=pipeline.scores(5),
                documents_checked=True,
                comment="",
                inspector=people.inspector,
            )
        assert below.value.code == "below_pass_mark" and "50.00" in below.value.messages[0]
        with pytest.raises(ValidationError):  # finance may not inspect
            services.record_review(
                app,
                by=people.manager,
                scores=pipeline.scores(),
                documents_checked=True,
                comment="",
                inspector=people.finance,
            )
        assert not Review.objects.exists()
    app = pipeline.to(State.SITE_INSPECTION, app)
    with tenant_context(alpha):
        results = {i.pk: {"result": "pass"} for i in InspectionItem.objects.all()}
        with pytest.raises(ValidationError, match="photo|照片"):
            services.file_inspection(
                app,
                by=people.inspector,
                visited_on=date.today(),
                results=results,
                score=80,
                findings="ok",
                photos=[],
            )
        partial = dict(list(results.items())[1:])
        with pytest.raises(ValidationError):
            services.file_inspection(
                app,
                by=people.inspector,
                visited_on=date.today(),
                results=partial,
                score=80,
                findings="ok",
                photos=[photo_upload()],
            )
        with pytest.raises(ValidationError):
            services.file_inspection(
                app,
                by=people.inspector,
                visited_on=date.today(),
                results=results,
                score=80,
                findings=" ",
                photos=[photo_upload()],
            )
    app = pipeline.to(State.EVALUATION, app)
    with tenant_context(alpha), pytest.raises(ValidationError):
        services.submit_evaluation(app, by=people.manager, summary="", recommendation="admit")
    app = pipeline.to(State.APPROVED, app)
    with tenant_context(alpha):
        terms = pipeline.terms(app) | {"valid_until": date.today()}
        with pytest.raises(ValidationError):
            services.issue_contract(app, by=people.manager, terms=terms)
    app = pipeline.to(State.CONTRACT_ISSUED, app)
    with tenant_context(alpha):
        contract = services.current_contract(app)
        with pytest.raises(ValidationError):
            services.sign_contract(app, signer_name=" ", sha256=contract.sha256, agreed=True)
        with pytest.raises(ValidationError):
            services.sign_contract(app, signer_name="赵立新", sha256=contract.sha256, agreed=False)
    assert pipeline.refresh(app).state == State.CONTRACT_ISSUED


def test_an_application_of_another_tenant_is_out_of_reach(pipeline, people, beta):
    app = pipeline.to(State.SUBMITTED)
    with tenant_context(beta), pytest.raises(Application.DoesNotExist):
        services.start_review(app, by=people.manager)
    assert pipeline.refresh(app).state == State.SUBMITTED


def test_evaluation_needs_someone_in_every_approval_role(pipeline, people, alpha):
    app = pipeline.to(State.EVALUATION)
    from channelhub.models import Membership

    with tenant_context(alpha):
        Membership.objects.filter(role=Role.EXECUTIVE).update(is_active=False)
        with pytest.raises(ValidationError, match="Executive|公司管理层"):
            services.submit_evaluation(app, by=people.manager, summary="x", recommendation="admit")
