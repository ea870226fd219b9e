"""Demo filings and customer registrations for a demo tenant (called by channelhub.demo.load_demo).

Everything goes through the services, so timelines, record numbers and notifications
are real. Only the clock is faked, for the items that show the deadlines (an overdue
recording, an expired filing, a lapsed protection). Idempotent: a tenant that already
has filings (or registrations) is left alone.

Kinds and states: new channel filings effective / submitted / draft; change filings
effective (territory and contact), approved with the recording overdue, returned,
rejected, a partner admin's draft, withdrawn, expired; terminations recorded (ordering
suspended, date ahead) and effective (partner terminated). Customers: protected, a
conflict (the same customer written differently by another partner), won, lapsed.
"""

import base64
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from channelhub import approvals, periods
from channelhub.models import ApprovalRequest, Membership
from channelhub.roles import Role
from filings import checks, customers, jobs, partner_fields, services
from filings.models import CustomerRegistration, Filing, FilingKind
from partners import services as partner_services
from partners.models import ChannelType, Partner, Region
from partners.validators import credit_code_check_char

K = FilingKind
# A 1×1 PNG and a minimal PDF: small, and valid by content (channelhub.files sniffs them).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

TENANT_DATA = {
    "xingchi": {
        # Same division codes as partners/demo.py, so the two demos share the regions.
        # (province, city, district) with their codes; the second is the territory change's target.
        "districts": [
            ("330000", "浙江省", "330100", "杭州市", "330106", "西湖区"),
            ("320000", "江苏省", "320500", "苏州市", "320509", "吴江区"),
        ],
        "new": [
            (
                "温州快充新能源科技有限公司",
                "91330302MA2L3Q8R5",
                ChannelType.FRANCHISE,
                "温州市鹿城区人民路 88 号",
            ),
            (
                "嘉兴易行充电设备有限公司",
                "91330402MA2B7C1D9",
                ChannelType.EXCLUSIVE_STORE,
                "嘉兴市南湖区中山路 12 号",
            ),
            ("湖州绿能电力服务有限公司", "91330502MA2D4F6G2", ChannelType.AGENT, "湖州市吴兴区凤凰路 5 号"),
            (
                "绍兴越充科技有限公司",
                "91330602MA2K9L3M7",
                ChannelType.DISTRIBUTOR,
                "绍兴市越城区解放路 66 号",
            ),
        ],
        "customers": [
            (
                "杭州西湖智慧停车管理有限公司",
                "杭州西湖 智慧停车管理（有限公司）",
                "0571-8765 4321",
                "+86 571 87654321",
            ),
            ("苏州工业园区公交有限公司", "13912345678"),
            ("宁波北仑港物流有限公司", "13857412345"),
        ],
        "products": "7kW 交流桩 ×40，120kW 直流桩 ×4",
    },
    "zhongyu": {
        "districts": [
            ("410000", "河南省", "410100", "郑州市", "410102", "中原区"),
            ("410000", "河南省", "410300", "洛阳市", "410303", "西工区"),
        ],
        "new": [
            (
                "新乡联动通讯有限公司",
                "91410702MA45P2Q8R",
                ChannelType.EXCLUSIVE_STORE,
                "新乡市红旗区平原路 18 号",
            ),
            (
                "许昌云信手机卖场",
                "92411002MA46U3W9X",
                ChannelType.CONCURRENT_STORE,
                "许昌市魏都区七一路 9 号",
            ),
            (
                "南阳宛通通信服务有限公司",
                "91411302MA47A4B0C",
                ChannelType.COOPERATIVE_HALL,
                "南阳市卧龙区建设路 30 号",
            ),
            ("安阳殷都数码有限公司", "91410502MA48E5F1G", ChannelType.AGENT, "安阳市殷都区钢城路 2 号"),
        ],
        "customers": [
            (
                "郑州宇通客车配套服务有限公司",
                "郑州 宇通客车配套服务（有限公司）",
                "0371-6666 1234",
                "+86 371 66661234",
            ),
            ("洛阳石化员工服务中心", "13700371234"),
            ("开封市政务服务中心", "13603781234"),
        ],
        "products": "政企专线 ×20，5G 套餐 ×300 户",
    },
}


def _user(role):
    membership = (
        Membership.objects.filter(role=role, is_active=True).select_related("user").order_by("pk").first()
    )
    return membership.user if membership else None


def _code(body: str) -> str:
    return body + credit_code_check_char(body)


def _districts(spec, admin) -> list[Region]:
    """The two districts the demo needs, made through the registry if missing. Same division
    codes as partners/demo.py, so the two demos share them."""

    def region(code, name, parent=None):
        found = Region.objects.filter(code=code).first()
        data = {"name": name, "code": code, **({"parent": parent} if parent else {})}
        return found or partner_services.save_region(data=data, by=admin)

    return [
        region(d_code, district, region(c_code, city, region(p_code, province)))
        for p_code, province, c_code, city, d_code, district in spec["districts"]
    ]


def _attach_all(filing, by):
    for requirement in checks.required_attachments(filing):
        data, name = (
            (PNG, "门头照片.png") if "photo" in requirement.code else (PDF, f"{requirement.label}.pdf")
        )
        services.add_attachment(filing, SimpleUploadedFile(name, data), code=requirement.code, by=by)


def _new(spec, *, manager, region=None):
    name, code, channel_type, address = spec
    proposed = {
        "name": name,
        "credit_code": _code(code),
        "channel_type": str(channel_type),
        "legal_representative": "王海",
        "address": address,
        "contact_name": "陈经理",
        "contact_mobile": "13800138000",
        "bank_name": "中国工商银行",
        "bank_account_name": name,
        "bank_account_number": "6222 0212 3456 7890",
    }
    if region is not None:
        proposed["region"] = region.pk
    filing = services.create_filing(
        kind=K.NEW,
        by=manager,
        fields={
            "basic_situation": f"{name}：当地经营多年，门店位于商业中心，团队 12 人，有售后服务能力。",
            "expected_annual_sales": "1200000.00",
            "expected_scale_notes": "首年 2 家门店，预计服务客户 300 家。",
            "expected_start_date": periods.today() + timedelta(days=30),
            "resources_needed": "首批样机、销售培训 2 次、开业宣传物料。",
        },
        proposed=proposed,
    )
    _attach_all(filing, manager)
    return filing


def _change(partner, values, *, by, reason, impact, by_partner=False):
    return services.create_filing(
        kind=K.CHANGE,
        by=by,
        partner=partner,
        fields={"reason": reason, "impact": impact},
        proposed={**partner_fields.snapshot(partner), **values},
        by_partner=by_partner,
    )


def _termination(partner, *, by, days, reason):
    return services.create_filing(
        kind=K.TERMINATION,
        by=by,
        partner=partner,
        fields={
            "termination_date": periods.today() + timedelta(days=days),
            "reason": reason,
            "impact": "在途订单按合同履行；库存由公司回购；往来款项 30 日内结清；客户移交给相邻渠道。",
        },
        proposed={},
    )


def _through(filing, *, manager, supervisor, clerk=None, decision=None, comment=""):
    filing = services.submit_filing(filing, by=manager)
    if decision:
        request = ApprovalRequest.objects.get(
            object_id=filing.pk, action=services.APPROVAL_ACTION, status="pending"
        )
        approvals.decide(request, by=supervisor, decision=decision, comment=comment)
        filing.refresh_from_db()  # decided on the approval's own copy
    if clerk is not None:
        filing = services.record_filing(filing, by=clerk, note="材料齐全，已归档。")
    filing.refresh_from_db()
    return filing


def _other_type(partner) -> str:
    return str(
        ChannelType.DISTRIBUTOR if partner.channel_type != ChannelType.DISTRIBUTOR else ChannelType.AGENT
    )


def load_filings_demo(tenant) -> int:
    if Filing.objects.exists():
        return 0
    manager, supervisor, clerk = (
        _user(Role.CHANNEL_MANAGER),
        _user(Role.CHANNEL_SUPERVISOR),
        _user(Role.CLERK),
    )
    admin, partner_admin = _user(Role.TENANT_ADMIN), _user(Role.PARTNER_ADMIN)
    partners = list(Partner.objects.order_by("pk")[:3])
    if not (manager and supervisor and clerk and admin) or len(partners) < 3:
        return 0
    services.get_settings()
    spec = TENANT_DATA.get(tenant.slug, TENANT_DATA["xingchi"])
    first_district, second_district = _districts(spec, admin)
    first, second, third = partners
    people = {"manager": manager, "supervisor": supervisor}
    made = []

    # New channel filings: effective twice (one is terminated below), waiting for approval, draft.
    made.append(
        _through(
            _new(spec["new"][0], manager=manager, region=first_district),
            **people,
            clerk=clerk,
            decision="approve",
        )
    )
    closing = _through(_new(spec["new"][3], manager=manager), **people, clerk=clerk, decision="approve")
    made.append(closing)
    made.append(_through(_new(spec["new"][1], manager=manager), **people))
    name, code, channel_type, _address = spec["new"][2]
    made.append(
        services.create_filing(
            kind=K.NEW,
            by=manager,
            fields={"basic_situation": "初步接洽中。"},
            proposed={"name": name, "credit_code": _code(code), "channel_type": str(channel_type)},
        )
    )

    # Change filings.
    territory = _change(
        second,
        {"region": second_district.pk, "contact_name": "周经理", "contact_mobile": "13911112222"},
        by=manager,
        reason=f"业务重心转移到{second_district.name}，原联系人离职。",
        impact="原区域 2 家客户移交给相邻渠道；结算账户不变。",
    )
    made.append(_through(territory, **people, clerk=clerk, decision="approve"))
    overdue = _change(
        first,
        {"channel_type": _other_type(first)},
        by=manager,
        reason="合作模式调整。",
        impact="价格政策按新类型执行。",
    )
    _through(overdue, **people, decision="approve")
    Filing.objects.filter(pk=overdue.pk).update(record_due=periods.today() - timedelta(days=2))
    made.append(overdue)
    returned = _change(
        third, {"region": first_district.pk}, by=manager, reason="拟调整经营区域。", impact="待补充。"
    )
    made.append(
        _through(
            returned, **people, decision="return", comment="影响说明过于简单，请补充对现有客户和结算的影响。"
        )
    )
    rejected = _change(third, {"name": f"{third.name}（拟更名）"}, by=manager, reason="更名。", impact="无。")
    made.append(_through(rejected, **people, decision="reject", comment="未提供工商变更证明，不予变更。"))
    if partner_admin is not None:
        made.append(
            _change(
                first,
                {"bank_name": "中国建设银行", "bank_account_number": "6217 0000 1234 5678"},
                by=partner_admin,
                reason="结算账户变更。",
                impact="下月起返利与货款结算至新账户。",
                by_partner=True,
            )
        )
    withdrawn = _change(
        second, {"name": f"{second.name}（暂定）"}, by=manager, reason="测试。", impact="无。"
    )
    services.withdraw_filing(withdrawn, by=manager, reason="重复提交，撤回。")
    made.append(withdrawn)
    expired = _change(
        first, {"legal_representative": "张伟"}, by=manager, reason="法定代表人变更。", impact="无。"
    )
    services.submit_filing(expired, by=manager)
    Filing.objects.filter(pk=expired.pk).update(valid_until=periods.today() - timedelta(days=1))
    jobs.expire_filing(expired.pk, today=periods.today())
    made.append(expired)

    # Terminations: recorded (ordering suspended, the date ahead) and effective (terminated).
    ahead = _termination(third, by=manager, days=20, reason="连续两个季度考核为 D，整改未达标。")
    made.append(_through(ahead, **people, clerk=clerk, decision="approve"))
    gone = _termination(closing.partner, by=manager, days=0, reason="门店停业，双方协商终止合作。")
    made.append(_through(gone, **people, clerk=clerk, decision="approve"))

    _customers_demo(spec, first, second, manager=manager, partner_admin=partner_admin)
    return len(made)


def _customers_demo(spec, first, second, *, manager, partner_admin):
    if CustomerRegistration.objects.exists():
        return
    by_first = partner_admin or manager
    (held_name, variant_name, held_phone, variant_phone), (won_name, won_phone), (old_name, old_phone) = spec[
        "customers"
    ]
    region = spec["districts"][0][3]  # a city name, as people write it
    customers.register_customer(
        partner=first,
        by=by_first,
        data={
            "customer_name": held_name,
            "contact_name": "周工",
            "contact_phone": held_phone,
            "region": region,
            "project_name": "一期项目",
            "expected_amount": "860000.00",
            "products": spec["products"],
        },
    )
    # The same customer, written differently, by another partner: a conflict the managers see.
    customers.register_customer(
        partner=second,
        by=manager,
        data={
            "customer_name": variant_name,
            "contact_name": "周先生",
            "contact_phone": variant_phone,
            "region": region,
            "products": spec["products"],
        },
    )
    won = customers.register_customer(
        partner=second,
        by=manager,
        data={
            "customer_name": won_name,
            "contact_name": "陆主任",
            "contact_phone": won_phone,
            "region": spec["districts"][1][3],
            "products": spec["products"],
            "expected_amount": "2400000.00",
        },
    )
    customers.record_order(won, by=manager, on=periods.today(), reference="SO-2026-0012")
    old = customers.register_customer(
        partner=first,
        by=by_first,
        data={
            "customer_name": old_name,
            "contact_phone": old_phone,
            "region": region,
            "products": spec["products"],
        },
    )
    CustomerRegistration.objects.filter(pk=old.pk).update(protected_until=periods.today() - timedelta(days=1))
    customers.lapse_registration(old.pk, today=periods.today())
