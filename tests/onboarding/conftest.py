"""Fixtures for the admission pipeline: a campaign, valid application data, uploads,
and ``pipeline`` — a driver that takes an application to any state through the services."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from channelhub import approvals
from channelhub.models import ApprovalRequest
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from onboarding import services
from onboarding.models import Application, Campaign, InspectionItem, ScreeningCriterion, State
from tests.factories import credit_code

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (31, 78, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name="营业执照.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def photo_upload(name="门店.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


_codes = iter(range(500_000, 10_000_000))


def application_data(**overrides) -> dict:
    data = {
        "company_name": "杭州驰远新能源设备有限公司",
        "credit_code": credit_code(next(_codes)),
        "legal_representative": "赵立新",
        "registered_capital": Decimal("5000000.00"),
        "established_on": date(2016, 3, 18),
        "registered_address": "浙江省杭州市西湖区文三路 398 号",
        "business_scope": "充电设备销售、安装与维护",
        "contact_name": "赵立新",
        "contact_title": "总经理",
        "contact_phone": "13805710000",
        "contact_email": "zhao@chiyuan.example.cn",
        "annual_revenue": Decimal("32000000.00"),
        "employee_count": 46,
        "operating_status": "成立八年，主营充电桩销售与安装",
        "reputation": "浙江省充电联盟会员",
        "sales_capability": "覆盖杭州主城区物业与车企 4S 店",
        "last_year_sales": Decimal("12000000.00"),
        "team_size": 46,
        "sales_staff": 12,
        "technical_staff": 20,
        "team_description": "",
        "warehouse_area": 1200,
        "warehouse_address": "杭州市余杭区仓前街道",
        "logistics": "自有货车 4 辆",
        "channel_type": "distributor",
        "province": "浙江省",
        "city": "杭州市",
        "district": "西湖区",
        "wants_exclusive": True,
        "premises_address": "",
        "premises_area": None,
        "cooperation_plan": "首年发展 30 个安装网点",
        "expected_annual_sales": Decimal("20000000.00"),
        "resources_needed": "样机与培训",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The production hasher costs ~0.5 s per password; these tests make many people."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fake_pdf(template, context, *, language=None) -> bytes:
    """A stand-in for WeasyPrint (slow) whose bytes still depend on what is rendered."""
    import hashlib

    from django.template.loader import render_to_string

    html = render_to_string(template, context)
    return PDF_BYTES + f"% {hashlib.sha256(html.encode()).hexdigest()}\n".encode()


@pytest.fixture(autouse=True)
def _fast_pdf(request, monkeypatch):
    """Tests marked ``real_pdf`` run WeasyPrint; the others a quick stand-in."""
    if request.node.get_closest_marker("real_pdf") is None:
        monkeypatch.setattr("onboarding.services.pipeline.render_pdf", fake_pdf)
        monkeypatch.setattr("onboarding.services.contracts.render_pdf", fake_pdf)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    cache.clear()
    settings.ONBOARDING_FORM_MIN_SECONDS = 0
    yield
    cache.clear()


@pytest.fixture
def people(member):
    class People:
        manager = member(Role.CHANNEL_MANAGER)
        supervisor = member(Role.CHANNEL_SUPERVISOR)
        executive = member(Role.EXECUTIVE)
        inspector = member(Role.TECH_SUPPORT)
        admin = member(Role.TENANT_ADMIN)
        marketing = member(Role.MARKETING)
        after_sales = member(Role.AFTER_SALES)
        finance = member(Role.FINANCE)

    return People


@pytest.fixture
def campaign(alpha, people):
    with tenant_context(alpha):
        return Campaign.objects.create(
            title="2026 年浙江省充电桩经销商招募",
            slug="zj-2026",
            summary="诚招浙江省内各地市经销商",
            channel_types=["distributor", "agent", "cooperative_hall"],
            regions="浙江省",
            requirements="具备独立法人资格",
            opens_on=date.today() - timedelta(days=10),
            closes_on=date.today() + timedelta(days=60),
            is_published=True,
            owner=people.manager,
        )


class Pipeline:
    """Takes applications through the services, as the people would."""

    ORDER = [
        State.SUBMITTED,
        State.UNDER_REVIEW,
        State.SITE_INSPECTION,
        State.EVALUATION,
        State.PENDING_APPROVAL,
        State.APPROVED,
        State.CONTRACT_ISSUED,
        State.CONTRACT_SIGNED,
        State.ACTIVE,
    ]

    def __init__(self, tenant, campaign, people, capture):
        self.tenant, self.campaign, self.people, self.capture = tenant, campaign, people, capture
        self.links = {}

    def refresh(self, app):
        with tenant_context(self.tenant):
            return Application.objects.get(pk=app.pk)

    def submit(self, **overrides):
        with tenant_context(self.tenant), self.capture(execute=True):
            key, _held = services.keep_uploads(
                self.campaign,
                None,
                {"doc:business_licence": pdf_upload(), "doc:legal_rep_id": pdf_upload("身份证.pdf")},
            )
            app, link = services.submit_application(
                self.campaign, application_data(**overrides), draft_key=key, ip="10.0.0.9", language="zh-hans"
            )
        self.links[app.pk] = link
        return app

    def token(self, app):
        return self.links[app.pk].rstrip("/").rsplit("/", 1)[-1]

    def scores(self, value=8):
        return {c.pk: value for c in ScreeningCriterion.objects.filter(is_active=True)}

    def step(self, app, state):
        p = self.people
        with tenant_context(self.tenant), self.capture(execute=True):
            if state == State.UNDER_REVIEW:
                return services.start_review(app, by=p.manager)
            if state == State.SITE_INSPECTION:
                return services.record_review(
                    app,
                    by=p.manager,
                    scores=self.scores(),
                    documents_checked=True,
                    comment="资料齐全",
                    inspector=p.inspector,
                )
            if state == State.EVALUATION:
                items = {i.pk: {"result": "pass", "note": ""} for i in InspectionItem.objects.all()}
                return services.file_inspection(
                    app,
                    by=p.inspector,
                    visited_on=date.today(),
                    results=items,
                    score=Decimal("85"),
                    findings="场地与申报一致",
                    photos=[photo_upload()],
                )
            if state == State.PENDING_APPROVAL:
                return services.submit_evaluation(
                    app, by=p.manager, summary="建议准入", recommendation="admit"
                )
            if state == State.APPROVED:
                request = ApprovalRequest.objects.get(object_id=app.pk, status="pending")
                approvals.decide(request, by=p.supervisor, decision="approve", comment="同意")
                approvals.decide(request, by=p.executive, decision="approve", comment="同意准入")
                return Application.objects.get(pk=app.pk)
            if state == State.CONTRACT_ISSUED:
                services.issue_contract(app, by=p.manager, terms=self.terms(app))
                return Application.objects.get(pk=app.pk)
            if state == State.CONTRACT_SIGNED:
                contract = services.current_contract(app)
                return services.sign_contract(
                    app, signer_name="赵立新", sha256=contract.sha256, agreed=True, ip="10.0.0.9"
                )
            if state == State.ACTIVE:
                services.countersign(app, by=p.supervisor)
                return Application.objects.get(pk=app.pk)
        raise ValueError(state)

    @staticmethod
    def terms(app):
        return {
            "territory": app.territory,
            "is_exclusive": True,
            "valid_from": date.today(),
            "valid_until": date.today() + timedelta(days=364),
            "deposit": Decimal("50000.00"),
            "price_terms": "执行统一价格表",
            "settlement_terms": "按月结算",
            "special_terms": "",
        }

    def to(self, state, app=None, **overrides):
        app = app or self.submit(**overrides)
        for target in self.ORDER[self.ORDER.index(self.refresh(app).state) + 1 : self.ORDER.index(state) + 1]:
            self.step(self.refresh(app), target)
        return self.refresh(app)


@pytest.fixture
def pipeline(alpha, campaign, people, django_capture_on_commit_callbacks):
    return Pipeline(alpha, campaign, people, django_capture_on_commit_callbacks)
