"""The Content-Security-Policy in a real browser (issue 9, docs/security.md).

One test on purpose (browser tests are the slow part of CI): it opens the key pages as the
people who use them, checks the policy header of every page the browser loads, and fails with
the list if Chromium reports any violation, be it a ``securitypolicyviolation`` event or a
console message. A blocked inline script or style would otherwise go unnoticed: the page still
loads, it only looks or behaves wrong.
"""

import re

import pytest
from playwright.sync_api import expect

from channelhub.demo import DEMO_PASSWORD, PLATFORM_OPERATOR, demo_email, load_demo
from channelhub.models import Tenant
from channelhub.tenancy import tenant_context
from filings.models import Filing
from onboarding.models import Application, Campaign, State
from partners.models import Partner

pytestmark = pytest.mark.e2e

TENANT = "xingchi"
# What a source in the policy may be: the site itself, nothing, a nonce, or (images only) data:.
SOURCE = re.compile(r"'self'|'none'|'nonce-[A-Za-z0-9+/=]+'|data:")
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "?") + " at "
    + e.sourceFile + ":" + e.lineNumber + (e.sample ? " (" + e.sample + ")" : ""));
});
"""


class PolicyWatch:
    """Watches pages for CSP violations and records the policy header of every page loaded."""

    def __init__(self):
        self.violations: list[str] = []
        self.headers: dict[str, str | None] = {}  # page URL -> Content-Security-Policy

    def watch(self, page):
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda m: (
                "content security policy" in m.text.lower()
                and self.violations.append(f"console on {page.url}: {m.text}")
            ),
        )
        page.on(
            "response",
            lambda r: (
                r.request.resource_type == "document"
                and self.headers.setdefault(r.url, r.headers.get("content-security-policy"))
            ),
        )
        return page

    def visit(self, page, url: str):
        response = page.goto(url)
        assert response.status == 200, f"{url}: HTTP {response.status}"
        self.collect(page)
        return response

    def expect(self, check, what: str):
        """A page that should work but does not is noted, so the run ends with the whole list."""
        try:
            check()
        except AssertionError:
            self.violations.append(f"did not work: {what}")

    def collect(self, page):
        page.wait_for_load_state()
        # The events are queued as tasks: let them fire before reading.
        found = page.evaluate(
            "() => new Promise(done => setTimeout(() => done((window.__cspViolations || []).splice(0)), 50))"
        )
        self.violations += [f"{page.url}: {v}" for v in found]


def directives(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


def test_the_key_pages_keep_to_the_content_security_policy(new_page, log_in, shot, monkeypatch):
    # The demo's contracts and evaluation reports are PDFs; WeasyPrint would triple the set-up.
    for where in ("onboarding.services.pipeline.render_pdf", "onboarding.services.contracts.render_pdf"):
        monkeypatch.setattr(where, lambda *args, **kwargs: b"%PDF-1.4 stand-in")
    load_demo()
    with tenant_context(Tenant.objects.get(slug=TENANT)):
        partner = Partner.objects.order_by("pk").first()
        filing = Filing.objects.order_by("pk").first()
        under_review = Application.objects.filter(state=State.UNDER_REVIEW).order_by("pk").first()
        campaign = Campaign.objects.filter(is_published=True).order_by("pk").first()
    csp = PolicyWatch()
    t = f"/t/{TENANT}"

    # Someone without an account: the log-in page, the public application form, the admin's log-in.
    guest = csp.watch(new_page())
    csp.visit(guest, "/accounts/login/")
    expect(guest.get_by_test_id("login-form")).to_be_visible()
    csp.visit(guest, f"/join/{TENANT}/")
    csp.visit(guest, f"/join/{TENANT}/{campaign.slug}/apply/")
    expect(guest.locator("form input[name=company_name]")).to_be_visible()
    csp.visit(guest, "/admin/login/")

    # The platform operator in the Django admin: a changelist, and django-celery-beat's form with
    # the only inline script left, which runs with the nonce of its own response.
    guest.locator("input[name=username]").fill(PLATFORM_OPERATOR)
    guest.locator("input[name=password]").fill(DEMO_PASSWORD)
    guest.locator("input[type=submit]").click()
    expect(guest).to_have_url(re.compile(r"/admin/$"))
    csp.collect(guest)
    csp.visit(guest, "/admin/partners/partner/")
    expect(guest.locator("#result_list")).to_be_visible()
    beat = csp.visit(guest, "/admin/django_celery_beat/periodictask/add/")
    script_nonce = guest.locator("#periodic-task-overrides").evaluate("el => el.nonce")
    assert script_nonce, "templates/admin/djcelery/change_periodictask_form.html gives its script the nonce"
    assert f"'nonce-{script_nonce}'" in directives(beat.headers["content-security-policy"])["script-src"]
    csp.expect(
        lambda: expect(guest.locator(".field-crontab_translation")).to_be_hidden(timeout=2_000),
        "the periodic-task form's nonce'd script (it hides the crontab translation row)",
    )

    # A channel manager: home, partners, filings, and the screening review with its live score.
    manager = csp.watch(new_page())
    log_in(manager, demo_email("manager", TENANT), DEMO_PASSWORD)
    expect(manager).to_have_url(re.compile(rf"{t}/$"))
    csp.collect(manager)
    csp.visit(manager, f"{t}/partners/")
    csp.visit(manager, f"{t}/partners/{partner.pk}/")
    csp.visit(manager, f"{t}/filings/")
    csp.visit(manager, f"{t}/filings/{filing.pk}/")
    csp.visit(manager, f"{t}/onboarding/applications/{under_review.pk}/review/")
    total = manager.locator("#rubric-total")
    for score in manager.locator("[data-weight]").all():
        score.fill(score.get_attribute("data-max"))
    csp.expect(
        lambda: expect(total).to_have_text("100.00", timeout=2_000),
        "the review page's live weighted score (static/js/rubric-total.js)",
    )
    shot(manager, "review-page")
    csp.collect(manager)

    # A channel supervisor: the approvals inbox and an approval waiting for them.
    supervisor = csp.watch(new_page())
    log_in(supervisor, demo_email("supervisor", TENANT), DEMO_PASSWORD)
    csp.visit(supervisor, f"{t}/approvals/")
    supervisor.get_by_test_id("approval-queue").locator("a[href*='/approvals/']").first.click()
    expect(supervisor).to_have_url(re.compile(rf"{t}/approvals/\d+/$"))
    csp.collect(supervisor)

    found = "\n".join(csp.violations)
    assert not csp.violations, f"Content-Security-Policy violations and what they broke:\n{found}"

    pages = [url for url in csp.headers if "/static/" not in url]
    assert len(pages) >= 14, pages
    missing = [url for url, header in csp.headers.items() if not header]
    assert not missing, f"pages without a Content-Security-Policy header: {missing}"
    for url, header in csp.headers.items():
        policy = directives(header)
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"], url
        assert "'self'" in policy["script-src"] and "'unsafe-inline'" not in policy["script-src"], url
        assert policy["style-src"] == ["'self'"], url
        foreign = [s for sources in policy.values() for s in sources if not SOURCE.fullmatch(s)]
        assert not foreign, f"{url}: sources other than the site itself: {foreign}"
        assert "data:" not in policy["script-src"] + policy["default-src"], url
