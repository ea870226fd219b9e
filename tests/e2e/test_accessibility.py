"""WCAG 2.1 AA on the key pages of every module, checked by axe-core in a real browser (docs/accessibility.md).

axe-core (node_modules/axe-core, a dev dependency) is put into each page with ``page.evaluate(source)``:
Chromium runs DevTools evaluations outside the page's Content-Security-Policy, so the policy stays on
and axe checks the page exactly as people get it. A context with ``bypass_csp=True`` would also let
through whatever the policy blocks (an inline style, say) and so check a page nobody sees; a
``<script>`` tag added to the page would be blocked by the policy.

Three tests (browser sessions and the demo set-up are the slow part of CI): the people outside
(guests, a partner's administrator), a channel manager, the approvers and the tenant's administrator.
Each person visits many pages in Chinese, and again in English where the text differs materially
(longer words, other wrapping; the shell always). Any
violation of the WCAG 2.0/2.1 A and AA rules fails the test with the whole list: page, rule,
impact, element and what is wrong.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from channelhub.demo import DEMO_PASSWORD, demo_email, load_demo
from channelhub.models import Tenant
from channelhub.tenancy import tenant_context
from filings.models import Filing
from filings.models.choices import FilingKind
from onboarding.models import Application, Campaign, State
from orders.models import Order, Product
from partners.models import Partner

pytestmark = pytest.mark.e2e

TENANT = "xingchi"
T = f"/t/{TENANT}"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FIX = re.compile(r"Fix (any|all) of the following:")
RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(result => ({
    rules: result.passes.length + result.violations.length + result.inapplicable.length + result.incomplete.length,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
    })),
  }))"""


class Axe:
    """Runs axe-core on pages and keeps every violation, so that a run ends with the whole list."""

    def __init__(self):
        if not AXE.exists():
            pytest.skip(f"{AXE} is missing: run `npm ci` (axe-core is a dev dependency in package.json)")
        self.source = AXE.read_text(encoding="utf-8")
        self.found: list[str] = []
        self.checked: list[str] = []

    def visit(self, page, url: str, label: str | None = None):
        response = page.goto(url)
        assert response.status == 200, f"{url}: HTTP {response.status}"
        self.check(page, label or url)

    def check(self, page, label: str):
        page.wait_for_load_state()
        # Content htmx is still fetching (lazy parts of a page) is checked once it is in.
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.source)
        result = page.evaluate(RUN_AXE, WCAG_21_AA)
        assert result["rules"] > 20, f"{label}: axe ran only {result['rules']} rules"
        lang = page.locator("html").get_attribute("lang")
        where = f"{label} [{lang}]"
        self.checked.append(where)
        for v in result["violations"]:
            for node in v["nodes"]:
                summary = " ".join(FIX.sub("", node["summary"]).split()) or v["help"]
                self.found.append(f"{where} | {v['id']} | {v['impact']} | {node['target']} | {summary}")

    def assert_clean(self, at_least: int):
        assert len(self.checked) >= at_least, self.checked
        if self.found:
            listing = "\n".join(self.found)
            pytest.fail(
                f"WCAG 2.1 AA violations found by axe-core (page [lang] | rule | impact | element | problem):\n"
                f"{listing}",
                pytrace=False,
            )


def english(page):
    page.get_by_test_id("language-switch").locator("button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.fixture
def demo(monkeypatch):
    # The demo's contracts and evaluation reports are PDFs; WeasyPrint would triple the set-up.
    for where in ("onboarding.services.pipeline.render_pdf", "onboarding.services.contracts.render_pdf"):
        monkeypatch.setattr(where, lambda *args, **kwargs: b"%PDF-1.4 stand-in")
    load_demo()
    return Tenant.objects.get(slug=TENANT)


def test_the_public_pages_and_a_partner_admins_pages_meet_wcag_21_aa(demo, new_page, log_in):
    with tenant_context(demo):
        campaign = Campaign.objects.filter(is_published=True).order_by("pk").first()
    axe = Axe()
    guest = new_page()

    axe.visit(guest, "/accounts/login/", "log-in")
    axe.visit(guest, f"/join/{TENANT}/", "public campaign list")
    axe.visit(guest, f"/join/{TENANT}/{campaign.slug}/apply/", "public application form")
    expect(guest.locator("form input[name=company_name]")).to_be_visible()
    axe.visit(guest, "/admin/login/", "platform admin log-in")
    axe.visit(guest, "/accounts/login/", "log-in")
    english(guest)
    axe.check(guest, "log-in")
    axe.visit(guest, f"/join/{TENANT}/{campaign.slug}/apply/", "public application form")

    # The checker itself must see a fault: an icon with a label but no role (the partner list's old bug).
    guest.evaluate(
        """() => { const i = document.createElement("i"); i.className = "bi bi-shield-lock";
                   i.setAttribute("aria-label", "planted"); document.querySelector("main").append(i); }"""
    )
    planted = Axe()
    planted.check(guest, "planted fault")
    assert any("| aria-prohibited-attr |" in line for line in planted.found), planted.found

    # A partner's own administrator (the set-up is the slow part: one test for the people outside).
    partner = new_page()
    log_in(partner, demo_email("partner-admin", TENANT), DEMO_PASSWORD)
    expect(partner).to_have_url(re.compile(rf"{T}/$"))
    axe.check(partner, "partner home")
    axe.visit(partner, f"{T}/members/", "partner colleagues")
    axe.visit(partner, f"{T}/filings/", "partner's filings")
    axe.visit(partner, f"{T}/filings/customers/", "partner's customer registrations")
    axe.visit(partner, f"{T}/orders/", "partner's orders")
    axe.visit(partner, f"{T}/orders/new/", "new order")
    axe.visit(partner, f"{T}/orders/stock/", "partner's stock monitoring")
    axe.visit(partner, f"{T}/orders/reports/sell-out/new/", "sell-out report form")
    axe.visit(partner, f"{T}/orders/reports/stock/new/", "stock report form")
    english(partner)
    axe.visit(partner, f"{T}/", "partner home")
    axe.visit(partner, f"{T}/members/", "partner colleagues")

    axe.assert_clean(at_least=14)


def test_a_channel_managers_pages_meet_wcag_21_aa(demo, new_page, log_in, shot):
    with tenant_context(demo):
        partner = Partner.objects.order_by("pk").first()
        filing = Filing.objects.order_by("pk").first()
        change = Filing.objects.filter(kind=FilingKind.CHANGE).order_by("pk").first() or filing
        under_review = Application.objects.filter(state=State.UNDER_REVIEW).order_by("pk").first()
        returned = Application.objects.filter(state=State.AWAITING_SUPPLEMENTS).order_by("pk").first()
        waiting = Application.objects.filter(state=State.PENDING_APPROVAL).order_by("pk").first()
    axe = Axe()
    page = new_page()
    log_in(page, demo_email("manager", TENANT), DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(rf"{T}/$"))

    axe.check(page, "home")
    axe.visit(page, f"{T}/partners/", "partner list")
    axe.visit(page, f"{T}/partners/{partner.pk}/", "partner detail")
    for tab in ("contacts", "documents", "records", "timeline"):
        page.get_by_test_id(f"tab-{tab}").click()
        expect(page.locator(f"#tab-{tab}")).to_be_visible()
        axe.check(page, f"partner detail, {tab} tab")
    axe.visit(page, f"{T}/partners/import/", "partner import")
    axe.visit(page, f"{T}/filings/", "filings register")
    axe.visit(page, f"{T}/filings/{filing.pk}/", "filing detail")
    axe.visit(page, f"{T}/filings/{change.pk}/", "change filing detail")
    axe.visit(page, f"{T}/filings/new/channel/", "new channel filing")
    axe.visit(page, f"{T}/filings/customers/", "customer registrations")
    axe.visit(page, f"{T}/onboarding/", "admission board")
    axe.visit(page, f"{T}/onboarding/applications/{returned.pk}/", "application returned for supplements")
    axe.visit(page, f"{T}/onboarding/applications/{waiting.pk}/", "application pending approval")
    axe.visit(page, f"{T}/onboarding/applications/{under_review.pk}/review/", "screening review")
    axe.visit(page, f"{T}/inbox/", "inbox")

    # English: the shell and the pages whose longer labels wrap and sit differently.
    english(page)
    axe.check(page, "inbox")
    axe.visit(page, f"{T}/", "home")
    axe.visit(page, f"{T}/partners/", "partner list")
    axe.visit(page, f"{T}/partners/{partner.pk}/", "partner detail")
    axe.visit(page, f"{T}/filings/{filing.pk}/", "filing detail")
    axe.visit(page, f"{T}/onboarding/", "admission board")
    axe.visit(page, f"{T}/onboarding/applications/{waiting.pk}/", "application pending approval")
    shot(page, "application-en")

    axe.assert_clean(at_least=25)


def test_the_approvers_and_administrators_pages_meet_wcag_21_aa(demo, new_page, log_in):
    axe = Axe()
    supervisor = new_page()
    log_in(supervisor, demo_email("supervisor", TENANT), DEMO_PASSWORD)
    axe.visit(supervisor, f"{T}/approvals/", "approvals inbox")
    supervisor.get_by_test_id("approval-queue").locator("a[href*='/approvals/']").first.click()
    expect(supervisor).to_have_url(re.compile(rf"{T}/approvals/\d+/$"))
    axe.check(supervisor, "approval detail")

    admin = new_page()
    log_in(admin, demo_email("admin", TENANT), DEMO_PASSWORD)
    axe.visit(admin, f"{T}/members/", "members and roles")
    with tenant_context(demo):
        product = Product.objects.order_by("pk").first()
    axe.visit(admin, f"{T}/orders/products/", "product catalogue")
    axe.visit(admin, f"{T}/orders/products/{product.pk}/", "product detail")
    axe.visit(admin, f"{T}/orders/products/new/", "new product")
    axe.visit(admin, f"{T}/orders/categories/", "product categories")
    axe.visit(admin, f"{T}/orders/", "orders")
    with tenant_context(demo):
        held = Order.objects.filter(status="credit_hold").order_by("pk").first()
    axe.visit(admin, f"{T}/orders/{held.pk}/", "order on credit hold")
    axe.visit(admin, f"{T}/orders/reports/", "stock and sell-out reports")
    axe.visit(admin, f"{T}/orders/stock/demand/", "demand")
    axe.visit(admin, f"{T}/orders/receivables/", "receivables")
    axe.visit(admin, f"{T}/orders/settings/", "order settings")
    english(admin)
    axe.check(admin, "product categories")
    axe.visit(admin, f"{T}/orders/products/", "product catalogue")
    axe.visit(admin, f"{T}/members/", "members and roles")
    axe.visit(admin, f"{T}/approvals/", "approvals inbox")

    axe.assert_clean(at_least=13)
