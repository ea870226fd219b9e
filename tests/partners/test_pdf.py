"""The partner profile sheet: a real PDF with the Chinese text in it."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.factories import PartnerContactFactory

pytestmark = pytest.mark.django_db


def test_the_profile_sheet_contains_the_chinese_company_name(alpha, partner, manager, client_as):
    PartnerContactFactory(tenant=alpha, partner=partner, name="陈立新", position="总经理")
    response = client_as(manager).get(f"/t/alpha/partners/{partner.pk}/profile.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    compact = "".join(text.split())
    assert "杭州易充电力工程有限公司" in compact
    assert partner.credit_code in compact
    assert "陈立新" in compact
    assert "浙江省/杭州市/西湖区" in compact
