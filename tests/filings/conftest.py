"""People and helpers for the filings tests: a manager files, the supervisor approves,
the clerk records — through the services and the shared approval mechanism."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from channelhub import approvals
from channelhub.models import ApprovalRequest
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from filings import checks, services
from filings.models import Filing, FilingKind
from partners.models import ChannelType
from tests.factories import PartnerFactory, credit_code

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\xdac\xfc\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _in_english():
    """The assertions read English; the portal's default (Simplified Chinese) has its own tests."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_as():
    """A logged-in client that reads the portal in English (the language switch's cookie)."""

    def make(user):
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def manager(member):
    return member(Role.CHANNEL_MANAGER)


@pytest.fixture
def supervisor(member):
    return member(Role.CHANNEL_SUPERVISOR)


@pytest.fixture
def clerk(member):
    return member(Role.CLERK)


@pytest.fixture
def partner(alpha):
    return PartnerFactory(tenant=alpha, name="郑州鑫联通讯器材有限公司", channel_type=ChannelType.AGENT)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` runs the block's on-commit side effects (notifications, e-mails)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


class Flow:
    """Drives filings through the services as the three people would."""

    def __init__(self, tenant, manager, supervisor, clerk, commit):
        self.tenant, self.manager, self.supervisor, self.clerk, self.commit = (
            tenant,
            manager,
            supervisor,
            clerk,
            commit,
        )

    def new(self, *, name="洛阳畅达手机连锁有限公司", code=None, channel_type=ChannelType.AGENT, by=None):
        with tenant_context(self.tenant), self.commit():
            return services.create_filing(
                kind=FilingKind.NEW,
                by=by or self.manager,
                fields={
                    "basic_situation": "当地经营多年",
                    "expected_annual_sales": "1000000.00",
                    "expected_scale_notes": "两家门店",
                    "expected_start_date": "2026-06-01",
                    "resources_needed": "样机和培训",
                },
                proposed={
                    "name": name,
                    "credit_code": code or credit_code(90001),
                    "channel_type": channel_type,
                },
            )

    def change(self, partner, values, *, by=None, by_partner=False):
        from filings import partner_fields

        with tenant_context(self.tenant), self.commit():
            return services.create_filing(
                kind=FilingKind.CHANGE,
                by=by or self.manager,
                partner=partner,
                fields={"reason": "业务调整", "impact": "对现有客户无影响"},
                proposed={**partner_fields.snapshot(partner), **values},
                by_partner=by_partner,
            )

    def termination(self, partner, *, on, by=None):
        with tenant_context(self.tenant), self.commit():
            return services.create_filing(
                kind=FilingKind.TERMINATION,
                by=by or self.manager,
                partner=partner,
                fields={"reason": "考核不合格", "impact": "库存回购，客户移交", "termination_date": on},
                proposed={},
            )

    def attach_required(self, filing):
        with tenant_context(self.tenant), self.commit():
            for requirement in checks.required_attachments(filing):
                services.add_attachment(
                    filing,
                    SimpleUploadedFile(f"{requirement.code}.png", PNG),
                    code=requirement.code,
                    by=self.manager,
                )

    def submit(self, filing, by=None):
        try:
            with tenant_context(self.tenant), self.commit():
                return services.submit_filing(filing, by=by or self.manager)
        finally:
            self.look_again(filing)

    def request_of(self, filing):
        with tenant_context(self.tenant):
            return ApprovalRequest.objects.filter(
                object_id=filing.pk, action=services.APPROVAL_ACTION
            ).latest("created_at", "pk")

    def decide(self, filing, decision="approve", comment=""):
        try:
            with tenant_context(self.tenant), self.commit():
                approvals.decide(
                    self.request_of(filing), by=self.supervisor, decision=decision, comment=comment
                )
        finally:
            self.look_again(filing)
        return self.reload(filing)

    def record(self, filing, by=None):
        try:
            with tenant_context(self.tenant), self.commit():
                return services.record_filing(filing, by=by or self.clerk)
        finally:
            self.look_again(filing)

    def through(self, filing, *, to="recorded"):
        self.submit(filing)
        self.decide(filing)
        if to == "recorded":
            self.record(filing)
        return self.reload(filing)

    def reload(self, obj):
        with tenant_context(self.tenant):
            return type(obj).objects.get(pk=obj.pk)

    def look_again(self, obj):
        """After each step the person looks at the page again: the test's copy shows what is stored
        (a stale copy would be refused as changed by someone else, channelhub.workflow)."""
        with tenant_context(self.tenant):
            obj.refresh_from_db()


@pytest.fixture
def flow(alpha, manager, supervisor, clerk, commit):
    return Flow(alpha, manager, supervisor, clerk, commit)


def link_tokens(to=None):
    return [
        re.search(r"/approve/([\w-]+)/", m.body).group(1)
        for m in mail.outbox
        if "/approve/" in m.body and (to is None or to in m.to)
    ]


def filing_count(tenant, **lookup):
    with tenant_context(tenant):
        return Filing.objects.filter(**lookup).count()
