"""Browser tests: Playwright's sync API driving Debian's Chromium (/usr/bin/chromium).

Playwright's sync API keeps an asyncio event loop in the test thread, so Django's
ORM calls from the test body (demo data, assertions) would raise
``SynchronousOnlyOperation``. The switch is set here and nowhere else (a run that
collects the browser tests sets it for the whole process). It is safe: the test
thread serves no requests; the live server runs in a thread of its own.

Never run ``playwright install``: the browser is Debian's package, installed by
``bin/setup --test``.
"""

import os
import re
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="package")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (bin/setup --test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class BrowserProblems:
    """Collects what a person would notice: failed requests, error responses, script errors."""

    def __init__(self):
        self.items: list[str] = []

    def _request_failed(self, request):
        # Chromium cancels a page's icon fetch when the test moves on to the next page first:
        # a navigation, not a broken page.
        if (
            request.resource_type != "document"
            and "favicon" in request.url
            and "ERR_ABORTED" in (request.failure or "")
        ):
            return
        self.items.append(f"request failed: {request.method} {request.url} {request.failure}")

    def watch(self, page):
        page.on("requestfailed", self._request_failed)
        page.on(
            "response",
            lambda r: r.status >= 400 and self.items.append(f"HTTP {r.status}: {r.request.method} {r.url}"),
        )
        page.on("pageerror", lambda e: self.items.append(f"script error: {e}"))
        return page


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()`` → a page in a fresh browser context (its own cookies), 1280×900.

    The browser asks for English (Accept-Language) on purpose: the portal must
    still default to Simplified Chinese. Any failed request or script error fails
    the test at teardown.
    """
    contexts = []
    problems = BrowserProblems()

    def make():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return problems.watch(context.new_page())

    yield make
    for context in contexts:
        context.close()
    assert not problems.items, "the browser saw problems:\n" + "\n".join(problems.items)


@pytest.fixture
def shot(request):
    """``shot(page, "step")`` saves test-artifacts/<test name>-<nn>-<step>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)
    counter = iter(range(1, 100))

    def take(page, step: str) -> Path:
        path = ARTIFACTS / f"{name}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(shot):
    """Logs in through the real form, from the site's root (which sends to the log-in page)."""

    def do(page, email: str, password: str):
        page.goto("/")
        shot(page, "login")
        page.locator("[data-testid=login-form] input[name=username]").fill(email)
        page.locator("[data-testid=login-form] input[name=password]").fill(password)
        page.locator("[data-testid=login-form] button[type=submit]").click()
        page.wait_for_load_state()

    return do
