"""Demo admissions: a campaign per demo tenant and an application in every state, each
taken there through the services (so timelines, PDFs, approvals and e-mails are real).

Idempotent: an application is looked up by its credit code before it is made.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from channelhub import approvals, periods
from channelhub.models import ApprovalRequest
from onboarding import services
from onboarding.models import Application, Campaign, InspectionItem, ScreeningCriterion, State
from onboarding.services.config import install_defaults
from partners.validators import credit_code_check_char

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

CAMPAIGNS = {
    "xingchi": {
        "title": "2026 年华东区充电桩渠道合作伙伴招募",
        "slug": "huadong-2026",
        "summary": "星驰充电面向浙江、江苏、上海招募经销商、代理商与加盟商，共建城市充电网络。",
        "channel_types": ["distributor", "agent", "franchise"],
        "regions": "浙江省、江苏省、上海市",
        "requirements": "1. 具备独立法人资格，注册资本不低于 100 万元；\n2. 有充电设备或电力工程相关经验；\n3. 具备专业的安装与售后团队；\n4. 在申请区域内有稳定的客户资源。",
        "region": "330106",
        "places": [
            ("浙江省", "杭州市", "西湖区"),
            ("江苏省", "苏州市", "工业园区"),
            ("浙江省", "宁波市", "鄞州区"),
            ("上海市", "上海市", "闵行区"),
        ],
        "type": "distributor",
        "names": [
            "杭州云充能源科技有限公司",
            "苏州电途新能源有限公司",
            "宁波甬充电力工程有限公司",
            "上海沪驰充电设备有限公司",
            "嘉兴嘉电新能源有限公司",
            "无锡锡能充电服务有限公司",
            "温州瓯越电力科技有限公司",
            "南京金陵快充有限公司",
            "绍兴越充新能源有限公司",
            "常州龙城电桩科技有限公司",
            "湖州绿能充电服务有限公司",
            "台州台电新能源有限公司",
        ],
    },
    "zhongyu": {
        "title": "2026 年河南省社会渠道合作营业厅及专营店招募",
        "slug": "henan-2026",
        "summary": "中豫通信在郑州、洛阳、开封等地招募合作营业厅、专营店与兼营店。",
        "channel_types": ["cooperative_hall", "exclusive_store", "concurrent_store", "agent"],
        "regions": "河南省",
        "requirements": "合作营业厅须具备合适的营业场地并按统一标准装修；专营店须配备专业销售与技术人员；兼营店须有合法经营场所。",
        "region": "410105",
        "places": [
            ("河南省", "郑州市", "金水区"),
            ("河南省", "洛阳市", "西工区"),
            ("河南省", "开封市", "龙亭区"),
            ("河南省", "新乡市", "红旗区"),
        ],
        "type": "cooperative_hall",
        "names": [
            "郑州豫讯通信服务有限公司",
            "洛阳河洛通讯器材有限公司",
            "开封汴通手机连锁有限公司",
            "新乡牧野通信有限公司",
            "郑州中原畅联通讯有限公司",
            "洛阳伊河数码通讯有限公司",
            "开封宋都通信服务部",
            "许昌莲城通讯有限公司",
            "南阳宛通通信器材有限公司",
            "安阳殷都移动通讯有限公司",
            "焦作山阳通讯服务有限公司",
            "平顶山鹰城通信有限公司",
        ],
    },
}

# (target state, extra): one application per state, in this order of the names above.
STATES = [
    State.SUBMITTED,
    State.UNDER_REVIEW,
    State.AWAITING_SUPPLEMENTS,
    State.SITE_INSPECTION,
    "overdue_inspection",
    State.EVALUATION,
    State.PENDING_APPROVAL,
    State.APPROVED,
    State.CONTRACT_ISSUED,
    State.CONTRACT_SIGNED,
    State.ACTIVE,
    State.REJECTED,
]
MAIN_LINE = [
    State.UNDER_REVIEW,
    State.SITE_INSPECTION,
    State.EVALUATION,
    State.PENDING_APPROVAL,
    State.APPROVED,
    State.CONTRACT_ISSUED,
    State.CONTRACT_SIGNED,
    State.ACTIVE,
]


def _code(region: str, n: int) -> str:
    body = f"91{region}MA{n:07d}"
    return body + credit_code_check_char(body)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 210, 225)).save(buffer, format="PNG")
    return buffer.getvalue()


def _data(spec, index, name):
    province, city, district = spec["places"][index % len(spec["places"])]
    channel_type = spec["channel_types"][index % len(spec["channel_types"])]
    return {
        "company_name": name,
        "credit_code": _code(spec["region"], 1000 + index),
        "legal_representative": ["王磊", "陈静", "刘洋", "张伟", "李娜", "杨帆"][index % 6],
        "registered_capital": Decimal(1_000_000 + index * 500_000),
        "established_on": date(2012 + index % 10, 1 + index % 12, 8),
        "registered_address": f"{province}{city}{district}建设路 {100 + index} 号",
        "business_scope": "通信设备、充电设备销售、安装与技术服务",
        "contact_name": ["周敏", "吴刚", "郑丽", "孙强"][index % 4],
        "contact_title": "总经理",
        "contact_phone": f"1380000{index:04d}",
        "contact_email": f"applicant{index}@{spec['slug']}.demo.channelhub.cn",
        "annual_revenue": Decimal(8_000_000 + index * 1_250_000),
        "employee_count": 18 + index * 3,
        "operating_status": f"成立 {4 + index % 9} 年，经营稳定，有自有门店与仓库。",
        "reputation": "无不良信用记录，获区域行业协会推荐。",
        "sales_capability": "覆盖本地物业、企业客户与零售门店，同类产品年销售额稳步增长。",
        "last_year_sales": Decimal(3_000_000 + index * 400_000),
        "team_size": 18 + index * 3,
        "sales_staff": 6 + index,
        "technical_staff": 5 + index,
        "team_description": "",
        "warehouse_area": 300 + index * 50,
        "warehouse_address": f"{city}物流园 {index + 1} 号库",
        "logistics": "自有车辆配送，市区 24 小时到货。",
        "channel_type": channel_type,
        "province": province,
        "city": city,
        "district": district,
        "wants_exclusive": index % 3 == 0,
        "premises_address": f"{city}{district}人民路 {20 + index} 号" if channel_type != "agent" else "",
        "premises_area": 120 + index * 10 if channel_type != "agent" else None,
        "cooperation_plan": "首年发展 20 个网点，季度开展两次推广活动，配备专职售后。",
        "expected_annual_sales": Decimal(10_000_000 + index * 1_000_000),
        "resources_needed": "样机、培训与开业推广支持",
    }


def _step(app, state, people, tenant):
    manager, supervisor, executive, inspector = (
        people["manager"],
        people["supervisor"],
        people["executive"],
        people["techsupport"],
    )
    if state == State.UNDER_REVIEW:
        services.start_review(app, by=manager, comment="资料已收到，开始初审")
    elif state == State.SITE_INSPECTION:
        scores = {c.pk: 6 + (c.pk + app.pk) % 4 for c in ScreeningCriterion.objects.filter(is_active=True)}
        services.record_review(
            app,
            by=manager,
            scores=scores,
            documents_checked=True,
            comment="资质齐全，符合初步筛选标准",
            inspector=inspector,
        )
    elif state == State.EVALUATION:
        results = {
            i.pk: {"result": "pass" if (i.pk + app.pk) % 5 else "fail", "note": ""}
            for i in InspectionItem.objects.all()
        }
        photo = SimpleUploadedFile("门店外观.png", _png(), content_type="image/png")
        services.file_inspection(
            app,
            by=inspector,
            visited_on=periods.today(tenant) - timedelta(days=2),
            results=results,
            score=Decimal(72 + app.pk % 20),
            findings="经营场所与执照一致，仓储条件良好，人员到岗。",
            photos=[photo],
        )
    elif state == State.PENDING_APPROVAL:
        services.submit_evaluation(
            app,
            by=manager,
            summary="综合初审与实地考察结果，该申请人资质良好、团队完整，建议准入。",
            recommendation="admit",
        )
    elif state == State.APPROVED:
        request = ApprovalRequest.objects.get(
            object_id=app.pk, action=services.APPROVAL_ACTION, status="pending"
        )
        approvals.decide(request, by=supervisor, decision="approve", comment="同意")
        approvals.decide(request, by=executive, decision="approve", comment="同意准入")
    elif state == State.CONTRACT_ISSUED:
        today = periods.today(tenant)
        services.issue_contract(
            app,
            by=manager,
            terms={
                "territory": app.territory,
                "is_exclusive": app.wants_exclusive,
                "valid_from": today,
                "valid_until": today.replace(year=today.year + 1) - timedelta(days=1),
                "deposit": Decimal("50000.00"),
                "price_terms": "产品价格执行甲方统一发布的渠道价格表，乙方零售价不得低于甲方规定的最低零售价。",
                "settlement_terms": "按月结算：乙方于每月10日前结清上月货款，返利按季度核算。",
                "special_terms": "",
            },
        )
    elif state == State.CONTRACT_SIGNED:
        contract = services.current_contract(app)
        services.sign_contract(
            app, signer_name=app.legal_representative, sha256=contract.sha256, agreed=True, ip="203.0.113.7"
        )
    elif state == State.ACTIVE:
        services.countersign(app, by=supervisor)


def _age(app, days):
    """Make the demo look lived-in: the application has been in its state for ``days``."""
    Application.objects.filter(pk=app.pk).update(state_changed_at=timezone.now() - timedelta(days=days))


def load(tenant, people: dict, demo_partner=None) -> int:
    """Applications in every state for one demo tenant; returns how many were created."""
    install_defaults(tenant)
    spec = CAMPAIGNS[tenant.slug]
    today = periods.today(tenant)
    campaign, _ = Campaign.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "channel_types": spec["channel_types"],
            "regions": spec["regions"],
            "requirements": spec["requirements"],
            "opens_on": today - timedelta(days=45),
            "closes_on": today + timedelta(days=120),
            "is_published": True,
            "owner": people["manager"],
        },
    )
    created = 0
    for index, (target, name) in enumerate(zip(STATES, spec["names"], strict=False)):
        data = _data(spec, index, name)
        if Application.objects.filter(credit_code=data["credit_code"]).exists():
            continue
        uploads = {
            "doc:business_licence": SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf"),
            "doc:legal_rep_id": SimpleUploadedFile(
                "法定代表人身份证.pdf", PDF, content_type="application/pdf"
            ),
        }
        if data["channel_type"] in ("cooperative_hall", "exclusive_store", "concurrent_store"):
            uploads["doc:premises"] = SimpleUploadedFile("租赁合同.pdf", PDF, content_type="application/pdf")
        key, _held = services.keep_uploads(campaign, None, uploads)
        app, _link = services.submit_application(campaign, data, draft_key=key, ip="203.0.113.7")
        created += 1
        if target == State.AWAITING_SUPPLEMENTS:
            _step(app, State.UNDER_REVIEW, people, tenant)
            services.request_supplements(
                app, by=people["manager"], message="请补充近一年财务报表及经营场所租赁合同。"
            )
        elif target == State.REJECTED:
            _step(app, State.UNDER_REVIEW, people, tenant)
            services.reject(app, by=people["manager"], reason="申请区域已有独家合作伙伴，暂不发展新渠道。")
        elif target != State.SUBMITTED:
            goal = State.SITE_INSPECTION if target == "overdue_inspection" else target
            for state in MAIN_LINE[: MAIN_LINE.index(goal) + 1]:
                _step(Application.objects.get(pk=app.pk), state, people, tenant)
        if target == "overdue_inspection":
            Application.objects.filter(pk=app.pk).update(due_on=today - timedelta(days=3))
            _age(app, 12)
        elif target == State.PENDING_APPROVAL:
            Application.objects.filter(pk=app.pk).update(due_on=today - timedelta(days=1))
            _age(app, 5)
        else:
            _age(app, index % 6)
    if created:
        # A withdrawn one, too (the applicant changed their mind).
        name = spec["names"][len(STATES) % len(spec["names"])] + "（撤回）"
        data = _data(spec, len(STATES), name)
        if not Application.objects.filter(credit_code=data["credit_code"]).exists():
            app, _link = services.submit_application(campaign, data, ip="203.0.113.7")
            services.withdraw(app, reason="公司战略调整")
            created += 1
    if demo_partner is not None:
        tasks = services.create_training_checklist(demo_partner)
        for task in tasks[:2]:
            if task.completed_at is None:
                done_by = people.get(
                    {"channel_manager": "manager", "tech_support": "techsupport"}.get(
                        task.responsible_role, ""
                    )
                )
                if done_by is not None:
                    services.complete_training_task(task, by=done_by, note="已完成")
    return created
