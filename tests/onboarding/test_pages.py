"""The staff pages: board (counts, ageing, filters, overdue, constant queries, Excel),
detail, the step forms submitted as a browser would, training, configuration, access."""

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from onboarding.models import Application, InspectionItem, ScreeningCriterion, State, TrainingTask
from tests.channelhub.pages import form_data
from tests.onboarding.conftest import photo_upload

pytestmark = pytest.mark.django_db
BOARD = "/t/alpha/onboarding/"


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response


def test_the_board_counts_by_state_and_flags_overdue(pipeline, people, client_as, alpha):
    pipeline.submit()
    late = pipeline.to(State.SITE_INSPECTION)
    with tenant_context(alpha):
        Application.objects.filter(pk=late.pk).update(due_on=date.today() - timedelta(days=2))
    response = client_as(people.manager).get(BOARD)
    columns = {c["state"]: c for c in response.context["columns"]}
    assert (
        columns["submitted"]["count"],
        columns["site_inspection"]["count"],
        columns["site_inspection"]["overdue"],
    ) == (1, 1, 1)
    body = response.content.decode()
    assert body.count('data-testid="application-row"') == 2 and 'data-overdue="1"' in body
    assert 'data-testid="overdue-total"' in body


def test_the_board_filters(pipeline, people, client_as):
    pipeline.submit(province="江苏省", city="苏州市", company_name="苏州电途新能源有限公司")
    pipeline.submit()
    client = client_as(people.manager)
    assert client.get(BOARD + "?province=江苏省").content.decode().count('data-testid="application-row"') == 1
    assert client.get(BOARD + "?q=电途").content.decode().count('data-testid="application-row"') == 1
    assert (
        client.get(BOARD + "?state=site_inspection").content.decode().count('data-testid="application-row"')
        == 0
    )
    assert (
        client.get(BOARD + f"?owner={people.manager.pk}&channel_type=distributor")
        .content.decode()
        .count('data-testid="application-row"')
        == 2
    )


def test_the_board_costs_the_same_queries_for_few_and_many(
    pipeline, people, client_as, django_assert_max_num_queries
):
    client = client_as(people.manager)
    pipeline.submit()
    few, _ = queries(client, BOARD)
    for n in range(12):
        pipeline.submit(province=["浙江省", "江苏省", "上海市"][n % 3])
    pipeline.to(State.SITE_INSPECTION)
    with django_assert_max_num_queries(few):
        response = client.get(BOARD)
    assert len(response.context["page"]) == 14


def test_the_detail_page_costs_the_same_queries_early_and_late(
    pipeline, people, client_as, django_assert_max_num_queries
):
    client = client_as(people.manager)
    early = pipeline.to(State.SUBMITTED)
    late = pipeline.to(State.ACTIVE)
    few, _ = queries(client, f"{BOARD}applications/{early.pk}/")
    many, response = queries(client, f"{BOARD}applications/{late.pk}/")
    assert many <= few + 3  # a few sections exist only later (approval steps, training, partner)
    assert 'data-testid="timeline"' in response.content.decode()


def test_the_excel_export_has_the_filtered_rows(pipeline, people, client_as):
    pipeline.submit()
    pipeline.to(State.UNDER_REVIEW)
    response = client_as(people.manager).get(BOARD + "export.xlsx?state=under_review")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2 and rows[1][1] == "杭州驰远新能源设备有限公司"


def test_who_may_open_the_pipeline(pipeline, member, client_as, stranger):
    app = pipeline.submit()
    for role in (Role.FINANCE, Role.CLERK, Role.PARTNER_ADMIN, Role.PARTNER_STAFF, Role.MARKETING):
        assert client_as(member(role)).get(BOARD).status_code == 403, role
        assert client_as(member(role)).get(f"{BOARD}applications/{app.pk}/").status_code == 403, role
    for role in (
        Role.CHANNEL_MANAGER,
        Role.CHANNEL_SUPERVISOR,
        Role.EXECUTIVE,
        Role.TECH_SUPPORT,
        Role.TENANT_ADMIN,
    ):
        assert client_as(member(role)).get(f"{BOARD}applications/{app.pk}/").status_code == 200, role
    assert client_as(stranger).get(f"/t/alpha/onboarding/applications/{app.pk}/").status_code == 404
    assert client_as(stranger).get(f"/t/beta/onboarding/applications/{app.pk}/").status_code == 404


def test_the_detail_page_offers_only_the_users_next_steps(pipeline, people, client_as):
    app = pipeline.to(State.SUBMITTED)
    assert (
        'data-testid="action-start_review"'
        in client_as(people.manager).get(f"{BOARD}applications/{app.pk}/").content.decode()
    )
    assert (
        'data-testid="action-'
        not in client_as(people.executive).get(f"{BOARD}applications/{app.pk}/").content.decode()
    )


def test_a_wrong_role_posting_a_step_gets_403_and_nothing_moves(pipeline, member, client_as):
    app = pipeline.to(State.SUBMITTED)
    assert (
        client_as(member(Role.EXECUTIVE)).post(f"{BOARD}applications/{app.pk}/start-review/").status_code
        == 403
    )
    assert (
        client_as(member(Role.CHANNEL_MANAGER)).post(f"{BOARD}applications/{app.pk}/countersign/").status_code
        == 403
    )
    assert pipeline.refresh(app).state == State.SUBMITTED


def test_an_invalid_inline_form_shows_its_errors_and_keeps_the_input(pipeline, people, client_as):
    app = pipeline.to(State.SUBMITTED)
    client = client_as(people.manager)
    refused = client.post(f"{BOARD}applications/{app.pk}/start-review/", {"comment": "先核对执照\x00"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'data-testid="start-review-form"' in body and "is-invalid" in body and "先核对执照" in body
    assert pipeline.refresh(app).state == State.SUBMITTED  # nothing started with the comment dropped


def test_a_refused_reassignment_shows_why_beside_the_field(pipeline, people, client_as):
    app = pipeline.to(State.SITE_INSPECTION)
    client = client_as(people.manager)
    url = f"{BOARD}applications/{app.pk}/inspector/"
    garbled = client.post(url, {"inspector": str(people.inspector.pk), "due_on": "2026-13-45"})
    assert garbled.status_code == 400 and 'value="2026-13-45"' in garbled.content.decode()
    past = (date.today() - timedelta(days=3)).isoformat()
    late = client.post(url, {"inspector": str(people.inspector.pk), "due_on": past})
    assert late.status_code == 400 and f'value="{past}"' in late.content.decode()
    assert late.context["assign_form"].errors["due_on"]
    assert pipeline.refresh(app).due_on == app.due_on


def test_the_review_and_inspection_forms_as_a_browser_submits_them(pipeline, people, client_as, alpha):
    app = pipeline.to(State.UNDER_REVIEW)
    client = client_as(people.manager)
    page = client.get(f"{BOARD}applications/{app.pk}/review/")
    with tenant_context(alpha):
        scores = {f"score_{c.pk}": "9" for c in ScreeningCriterion.objects.all()}
    data = form_data(
        page, "review-form", documents_checked="on", inspector=str(people.inspector.pk), **scores
    )
    low = client.post(f"{BOARD}applications/{app.pk}/review/", {**data, **{k: "1" for k in scores}})
    with translation.override("zh-hans"):
        below = (
            translation.gettext(
                "The weighted score is %(total)s, below the pass mark of %(mark)s: return the "
                "application for supplements or reject it."
            )
            .split("%(mark)s")[0]
            .split("%(total)s")[1]
        )
    assert low.status_code == 400 and below in low.content.decode()
    assert client.post(f"{BOARD}applications/{app.pk}/review/", data).status_code == 302
    assert pipeline.refresh(app).state == State.SITE_INSPECTION

    # Someone else than the assigned inspector is sent back with a reason.
    other = client.get(f"{BOARD}applications/{app.pk}/inspection/")
    assert other.status_code == 302
    inspector = client_as(people.inspector)
    page = inspector.get(f"{BOARD}applications/{app.pk}/inspection/")
    with tenant_context(alpha):
        answers = {f"item_{i.pk}": "pass" for i in InspectionItem.objects.all()}
    data = form_data(page, "inspection-form", score="82", findings="场地一致", **answers)
    missing = inspector.post(f"{BOARD}applications/{app.pk}/inspection/", data)
    assert missing.status_code == 400  # no photo
    assert (
        inspector.post(
            f"{BOARD}applications/{app.pk}/inspection/", {**data, "photos": [photo_upload()]}
        ).status_code
        == 302
    )
    app = pipeline.refresh(app)
    assert (app.state, str(app.inspection_score)) == (State.EVALUATION, "82.00")


def test_partner_users_see_their_own_training_and_departments_tick_theirs(
    pipeline, people, member, client_as, alpha
):
    app = pipeline.to(State.ACTIVE)
    other = pipeline.to(State.ACTIVE, company_name="宁波绿源充电服务有限公司", contact_email="lv@example.cn")
    partner_user = member(Role.PARTNER_ADMIN, partner=app.partner)
    page = client_as(partner_user).get("/t/alpha/onboarding/training/")
    body = page.content.decode()
    assert app.partner.name in body and other.partner.name not in body
    assert (
        body.count('data-testid="training-task"') == 5 and "Done" not in body and "完成</button>" not in body
    )
    with tenant_context(alpha):
        product = TrainingTask.objects.get(partner=app.partner, title="产品知识")
        sales = TrainingTask.objects.get(partner=app.partner, title="销售技巧")
    assert (
        client_as(people.inspector)
        .post(f"/t/alpha/onboarding/training/{product.pk}/done/", {"note": "已培训"})
        .status_code
        == 302
    )
    assert (
        client_as(people.inspector).post(f"/t/alpha/onboarding/training/{sales.pk}/done/").status_code == 302
    )  # refused: marketing's
    assert client_as(partner_user).post(f"/t/alpha/onboarding/training/{product.pk}/done/").status_code == 403
    with tenant_context(alpha):
        assert TrainingTask.objects.get(pk=product.pk).completed_by == people.inspector
        assert TrainingTask.objects.get(pk=sales.pk).completed_at is None
    assert 'data-done="1"' in client_as(partner_user).get("/t/alpha/onboarding/training/").content.decode()


def test_the_admin_configures_the_pipeline(people, client_as, member, alpha):
    client = client_as(people.admin)
    for path in (
        "settings/",
        "settings/rubric/",
        "settings/checklist/",
        "settings/documents/",
        "settings/training/",
        "settings/contract-template/",
        "campaigns/",
        "campaigns/new/",
    ):
        assert client.get(f"{BOARD}{path}").status_code == 200, path
    page = client.get(f"{BOARD}settings/")
    response = client.post(
        f"{BOARD}settings/", form_data(page, "settings-form", pass_mark="70", step_1="executive", step_2="")
    )
    assert response.status_code == 302
    from onboarding.models import OnboardingSettings

    with tenant_context(alpha):
        assert OnboardingSettings.for_tenant(alpha).approval_roles == ["executive"]
    assert client_as(people.manager).get(f"{BOARD}settings/").status_code == 403
    preview = client.get(f"{BOARD}settings/contract-template/preview.pdf")
    assert preview["Content-Type"] == "application/pdf"


def test_the_home_page_links_to_the_pipeline(people, client_as):
    body = client_as(people.manager).get("/t/alpha/").content.decode()
    assert 'href="/t/alpha/onboarding/"' in body and 'data-testid="nav-onboarding"' in body


def test_a_reviewer_whose_page_is_out_of_date_is_told_who_started_the_review(
    pipeline, people, client_as, alpha
):
    from channelhub.tenancy import tenant_context
    from onboarding import services
    from tests.channelhub.pages import form_data

    app = pipeline.submit()
    page = client_as(people.supervisor).get(f"{BOARD}applications/{app.pk}/")  # drawn while submitted
    with tenant_context(alpha):
        services.start_review(pipeline.refresh(app), by=people.manager)
    response = client_as(people.supervisor).post(
        f"{BOARD}applications/{app.pk}/start-review/", form_data(page, "start-review-form")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert people.manager.display_name in text and ("刚刚" in text or "a moment ago" in text)
    assert pipeline.refresh(app).owner == people.manager
