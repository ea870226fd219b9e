"""Walk what a page offers (STYLE.md: "buttons in templates come from the transitions the user may
take"): every link and every form in the page's main content, followed or posted as the browser
would, must not lead the same person to a 403 or a 404. Posts run in a savepoint that is rolled
back, so one record serves every button of every role."""

import re
from html.parser import HTMLParser

from django.db import transaction

from tests.filings.pages import form_data

REFUSED = (403, 404, 405)


class _Targets(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/t/"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.forms.append((attrs.get("action") or "", attrs.get("data-testid")))


def main_content(html: str) -> str:
    match = re.search(r"<main\b.*?</main>", html, re.S)
    return match.group(0) if match else html


def offered(response) -> tuple[list[str], list[tuple[str, str | None]]]:
    """(links, post forms as (action, testid)) of the page's main content."""
    parser = _Targets()
    parser.feed(main_content(response.content.decode()))
    return sorted(set(parser.links)), parser.forms


def refused_offers(client, page_url: str, *, skip=lambda url: False) -> list[str]:
    """What the page at ``page_url`` offers this client that then refuses it."""
    page = client.get(page_url)
    if page.status_code != 200:
        return []
    links, forms = offered(page)
    problems = []
    for url in links:
        if skip(url):
            continue
        status = client.get(url).status_code
        if status in REFUSED:
            problems.append(f"link {url} → {status}")
    for action, testid in forms:
        target = action or page_url
        data = form_data(page, testid) if testid else {}
        with transaction.atomic():
            status = client.post(target, data).status_code
            transaction.set_rollback(True)
        if status in REFUSED:
            problems.append(f"form {testid or target} → {status}")
    return problems
