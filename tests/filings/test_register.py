"""The filing register (备案台账): search, filters, Excel export, the PDF record, query budget."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from channelhub.roles import Role
from filings.models import FilingKind, FilingState
from partners.models import ChannelType
from tests.factories import PartnerFactory, RegionFactory, UserFactory
from tests.filings.factories import FilingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(flow, partner):
    return flow.through(flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR}))


def rows_of(response):
    return [filing.pk for filing, _flags in response.context["rows"]]


def test_it_lists_filings_with_their_record_numbers(recorded, clerk, client_as):
    response = client_as(clerk).get("/t/alpha/filings/")
    assert response.status_code == 200
    assert rows_of(response) == [recorded.pk]
    assert recorded.record_number in response.content.decode()


def test_it_searches_and_filters(flow, alpha, partner, recorded, clerk, client_as):
    other_partner = PartnerFactory(tenant=alpha, name="洛阳畅达手机连锁有限公司")
    draft = flow.change(other_partner, {"channel_type": ChannelType.ONLINE})
    new = flow.new(name="新乡联动通讯有限公司")
    client = client_as(clerk)
    cases = {
        "q=郑州鑫联": [recorded.pk],
        f"q={recorded.record_number}": [recorded.pk],
        "q=新乡联动": [new.pk],
        f"q=%23{draft.pk}": [draft.pk],
        "kind=new": [new.pk],
        "state=draft": [new.pk, draft.pk],
        f"partner={other_partner.pk}": [draft.pk],
        f"year={recorded.record_year}": [recorded.pk],
        f"recorded_from={recorded.recorded_at.date()}": [recorded.pk],
        "recorded_to=2000-01-01": [],
    }
    for query, expected in cases.items():
        assert sorted(rows_of(client.get(f"/t/alpha/filings/?{query}"))) == sorted(expected), query


def test_the_supervisor_and_clerk_queues_are_the_register_filtered(client_as, member):
    assert (
        client_as(member(Role.CHANNEL_SUPERVISOR))
        .get("/t/alpha/filings/to-approve/")["Location"]
        .endswith("?state=submitted")
    )
    assert (
        client_as(member(Role.CLERK))
        .get("/t/alpha/filings/to-record/")["Location"]
        .endswith("?state=approved")
    )


def test_it_exports_the_filtered_register_to_excel(flow, alpha, partner, recorded, clerk, client_as):
    flow.new(name="新乡联动通讯有限公司")
    response = client_as(clerk).get("/t/alpha/filings/export.xlsx?kind=change")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Record number", "Kind", "Partner / new channel", "Status")
    assert len(rows) == 2
    assert rows[1][0] == recorded.record_number
    assert rows[1][2] == "郑州鑫联通讯器材有限公司"
    assert "Agent → Distributor" in rows[1][13]


def test_partner_users_cannot_export(client_as, member):
    assert client_as(member(Role.PARTNER_ADMIN)).get("/t/alpha/filings/export.xlsx").status_code == 403


def test_the_record_pdf_has_the_chinese_text_and_the_record_number(recorded, clerk, client_as):
    response = client_as(clerk).get(f"/t/alpha/filings/{recorded.pk}/record.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert recorded.record_number in text
    assert "郑州鑫联通讯器材有限公司" in text
    assert "阿尔法充电科技有限公司" in text


def test_the_record_pdf_is_in_chinese_for_a_chinese_reader(recorded, clerk, client_as):
    client = client_as(clerk)
    client.cookies["channelhub_language"] = "zh-hans"
    response = client.get(f"/t/alpha/filings/{recorded.pk}/record.pdf")
    assert response.status_code == 200
    fonts = set()
    for page in PdfReader(io.BytesIO(response.content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("NotoSansCJKSC" in f.replace(" ", "").replace("-", "") for f in fonts), fonts


def _make_filings(tenant, count):
    from channelhub.tenancy import tenant_context
    from filings import services

    with tenant_context(tenant):
        services.get_settings()  # a tenant's first use makes its settings: not the page's cost
    users = [UserFactory() for _ in range(3)]
    partners = [PartnerFactory(tenant=tenant) for _ in range(3)]
    regions = [RegionFactory(tenant=tenant) for _ in range(2)]
    states = [FilingState.DRAFT, FilingState.SUBMITTED, FilingState.APPROVED, FilingState.EFFECTIVE]
    for n in range(count):
        FilingFactory(
            tenant=tenant,
            kind=[FilingKind.CHANGE, FilingKind.TERMINATION][n % 2],
            partner=PartnerFactory(tenant=tenant) if n % 5 == 0 else partners[n % 3],
            created_by=users[n % 3],
            approved_by=users[(n + 1) % 3],
            recorded_by=users[(n + 2) % 3] if states[n % 4] == FilingState.EFFECTIVE else None,
            state=states[n % 4],
            # Territory changes too: their names come from related rows (constant queries still).
            proposed={"region": regions[n % 2].pk, "name": f"改名{n}"},
        )


def _queries(client, path):
    client.get(path)  # in the steady state: what the shared cache keeps is kept (channelhub.caching)
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries), context


@pytest.mark.parametrize(
    "path", ["/t/alpha/filings/", "/t/alpha/filings/?q=测试&state=approved&overdue=true"]
)
def test_the_register_issues_the_same_number_of_queries_for_few_and_many_filings(
    alpha, clerk, client_as, path
):
    client = client_as(clerk)
    _make_filings(alpha, 1)
    few, _ = _queries(client, path)
    _make_filings(alpha, 24)
    many, context = _queries(client, path)
    assert many == few, "\n".join(q["sql"] for q in context.captured_queries)
    assert few <= 12


def test_the_export_issues_the_same_number_of_queries_for_few_and_many(alpha, clerk, client_as):
    client = client_as(clerk)
    _make_filings(alpha, 1)
    few, _ = _queries(client, "/t/alpha/filings/export.xlsx")
    _make_filings(alpha, 30)
    many, context = _queries(client, "/t/alpha/filings/export.xlsx")
    assert many == few, "\n".join(q["sql"] for q in context.captured_queries)
