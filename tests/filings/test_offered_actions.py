"""A filing's page offers only what its reader may do: every button and link on it, followed or
posted by the same person, is accepted (no 403, no 404) — for every role that reads filings, in
every state where something can be done. The partner's own filing page offered an "approval"
button that led partner users to a 403 (and clerks, who are no approvers, to a 404)."""

import pytest

from channelhub import approvals
from channelhub.roles import PERMISSIONS, Role
from channelhub.tenancy import tenant_context
from filings.models import FilingState
from partners.models import ChannelType
from tests.offered_actions import refused_offers

pytestmark = pytest.mark.django_db
S = FilingState
READERS = sorted(PERMISSIONS["filings.view"])


@pytest.fixture(autouse=True)
def _no_weasyprint(monkeypatch):
    """The record PDF is rendered elsewhere (test_register); here only its access counts."""
    monkeypatch.setattr("filings.views.register.render_pdf", lambda *a, **k: b"%PDF-1.4\n%%EOF\n")


@pytest.fixture
def partners_filing(flow, alpha, alpha_partner, member):
    """What the partner admin filed about its own channel, in the state asked for."""

    def make(state):
        admin = member(Role.PARTNER_ADMIN)
        filing = flow.change(alpha_partner, {"channel_type": ChannelType.AGENT}, by=admin, by_partner=True)
        if state != S.DRAFT:
            flow.submit(filing, by=admin)
        if state == S.APPROVED:
            flow.decide(filing)
        if state == S.RETURNED:
            flow.decide(filing, "return", comment="请补充")
        return flow.reload(filing)

    return make


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.APPROVED, S.RETURNED])
def test_every_offered_action_is_allowed_to_whoever_is_offered_it(partners_filing, member, client_as, state):
    filing = partners_filing(state)
    problems = {}
    for role in READERS:
        refused = refused_offers(client_as(member(role)), f"/t/alpha/filings/{filing.pk}/")
        if refused:
            problems[role] = refused
    assert not problems


def test_the_partner_admin_is_not_offered_the_approval_page(partners_filing, member, client_as):
    filing = partners_filing(S.SUBMITTED)
    with tenant_context(filing.tenant):
        button = f'href="/t/alpha/approvals/{approvals.latest_request(filing).pk}/"'
    page = client_as(member(Role.PARTNER_ADMIN)).get(f"/t/alpha/filings/{filing.pk}/")
    assert page.status_code == 200
    assert button not in page.content.decode()
    supervisor_page = client_as(member(Role.CHANNEL_SUPERVISOR)).get(f"/t/alpha/filings/{filing.pk}/")
    assert button in supervisor_page.content.decode()  # the approver is
    clerk_page = client_as(member(Role.CLERK)).get(f"/t/alpha/filings/{filing.pk}/")
    assert button not in clerk_page.content.decode()  # no approver of it: its page would be a 404
