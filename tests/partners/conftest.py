"""Fixtures of the partner registry's tests (on top of tests/conftest.py's alpha/beta people)."""

from io import BytesIO

import pytest
from openpyxl import Workbook

from channelhub.roles import Role
from channelhub.tenancy import tenant_context, unscoped
from partners.models import Partner
from tests.factories import PartnerFactory, RegionFactory, TierFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def fresh(obj):
    """The row as stored now (through the unscoped manager: tests look across tenants)."""
    with unscoped():
        return type(obj)._base_manager.get(pk=obj.pk)


@pytest.fixture
def manager(member):
    return member(Role.CHANNEL_MANAGER)


@pytest.fixture
def territory(alpha):
    """浙江省 / 杭州市 / {西湖区, 滨江区} and 浙江省 / 宁波市 in alpha."""
    province = RegionFactory(tenant=alpha, name="浙江省", code="330000")
    hangzhou = RegionFactory(tenant=alpha, name="杭州市", code="330100", parent=province)
    ningbo = RegionFactory(tenant=alpha, name="宁波市", code="330200", parent=province)
    xihu = RegionFactory(tenant=alpha, name="西湖区", code="330106", parent=hangzhou)
    binjiang = RegionFactory(tenant=alpha, name="滨江区", code="330108", parent=hangzhou)
    return {"province": province, "hangzhou": hangzhou, "ningbo": ningbo, "xihu": xihu, "binjiang": binjiang}


@pytest.fixture
def gold(alpha):
    return TierFactory(tenant=alpha, name="金牌渠道", rank=1)


@pytest.fixture
def partner(alpha, manager, territory, gold):
    """An active distributor in 杭州市西湖区, owned by the channel manager."""
    return PartnerFactory(
        tenant=alpha,
        name="杭州易充电力工程有限公司",
        owner=manager,
        region=territory["xihu"],
        tier=gold,
        legal_representative="朱艳",
    )


@pytest.fixture
def suspended(alpha, manager, territory):
    return PartnerFactory(
        tenant=alpha,
        name="宁波绿源充电服务有限公司",
        owner=manager,
        region=territory["ningbo"],
        status="suspended",
    )


def in_tenant(tenant):
    return tenant_context(tenant)


def partners_of(tenant):
    with tenant_context(tenant):
        return list(Partner.objects.order_by("pk"))


def workbook(rows, headers=None) -> bytes:
    """An .xlsx with ``headers`` (the Chinese column names by default) and ``rows``."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "注册资本",
    "渠道类型",
    "等级",
    "省",
    "市",
    "区县",
    "渠道经理",
]
