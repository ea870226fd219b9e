"""The Content-Security-Policy (issue 9, docs/security.md): the header, its nonce, and templates
that keep to it.

The browser test (tests/e2e/test_content_security_policy.py) shows that the key pages raise no
violation; these quick ones guard the header and catch a template that would break the policy
before any browser runs: an inline ``<script>`` without the request's nonce, an inline ``<style>``
or ``style="..."`` attribute, an ``on...=`` event handler, a ``javascript:`` link, or a frame.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ["channelhub", "partners", "filings", "onboarding", "orders", "pricing", "aftersales"]
PROJECT_APPS += ["evaluations"]
SOURCE = re.compile(r"'self'|'none'|'nonce-[A-Za-z0-9+/=]+'|data:")


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict(policy: dict[str, list[str]]):
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["style-src"] == ["'self'"]
    assert "'self'" in policy["script-src"]
    # Nothing but the site itself, a nonce, or data: images; no 'unsafe-inline', no host, no scheme.
    loose = {name: s for name, sources in policy.items() for s in sources if not SOURCE.fullmatch(s)}
    assert not loose, f"sources other than 'self', 'none', a nonce or data: {loose}"
    assert policy["img-src"] == ["'self'", "data:"]  # Bootstrap's own icons are data: SVGs
    assert not [s for name, sources in policy.items() if name != "img-src" for s in sources if s == "data:"]


def nonce_in(policy) -> str | None:
    found = [s[len("'nonce-") : -1] for s in policy["script-src"] if s.startswith("'nonce-")]
    return found[0] if found else None


@pytest.mark.django_db
def test_every_response_carries_the_enforced_policy():
    client = Client()
    for url in ("/accounts/login/", "/no-such-page/"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Content-Security-Policy-Report-Only" not in response.headers, "the policy is enforced"
        policy = policy_of(response)
        assert_strict(policy)
        # A page without inline scripts gets no nonce at all: script-src 'self' only.
        assert policy["script-src"] == ["'self'"], url


@pytest.mark.django_db
def test_an_inline_script_runs_only_with_the_nonce_of_its_own_response():
    """The one inline script left (django-celery-beat's periodic-task form, templates/admin/djcelery)."""
    operator = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator)
    nonces = []
    for _ in range(2):
        response = client.get("/admin/django_celery_beat/periodictask/add/")
        assert response.status_code == 200
        policy = policy_of(response)
        assert_strict(policy)
        nonce = nonce_in(policy)
        assert nonce and len(nonce) >= 22, policy["script-src"]  # 16 random bytes, base64
        assert f'<script id="periodic-task-overrides" nonce="{nonce}">' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1], "a fresh nonce for every response"


# --- Templates keep to the policy -------------------------------------------------------------

# PDF documents (WeasyPrint, channelhub/documents.py) are never served as web pages: their
# <style> blocks are how they are laid out, and no policy applies to them.
PDF_BASE = "documents/base.html"

RULES = [
    (
        'inline <script> without the request\'s nonce (use a file under static/js/, or nonce="{{ request.csp_nonce }}")',
        re.compile(
            r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=\"\{\{ request\.csp_nonce \}\}\")"
            r"(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>",
            re.I,
        ),
    ),
    ("inline <style> element (put the rules in static/css/channelhub.css)", re.compile(r"<style\b", re.I)),
    ('style="..." attribute (use a class from static/css/channelhub.css)', re.compile(r"\sstyle\s*=", re.I)),
    (
        "on...= event handler attribute (use addEventListener in a static script)",
        re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    ),
    ("javascript: URL", re.compile(r"javascript:", re.I)),
    (
        "frame or plug-in (frame-ancestors and object-src are 'none')",
        re.compile(r"<(?:iframe|frame|embed|object)\b", re.I),
    ),
]


def problems_in(text: str) -> list[str]:
    """Searched over the whole text, so that a tag written over several lines is seen whole."""
    found = []
    for message, pattern in RULES:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {message}")
    return found


def served_templates():
    """Every HTML template the portal can serve: templates/ and the project's apps' templates/."""
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    folders += [ROOT / app / "templates" for app in PROJECT_APPS]
    for folder in folders:
        for path in sorted(folder.rglob("*.html")) if folder.exists() else []:
            relative = path.relative_to(folder).as_posix()
            text = path.read_text(encoding="utf-8")
            if relative == PDF_BASE or re.search(r"\{%\s*extends\s+[\"']" + re.escape(PDF_BASE), text):
                continue
            yield path.relative_to(ROOT).as_posix(), text


def test_no_template_breaks_the_policy():
    templates = dict(served_templates())
    assert "templates/base.html" in templates and "templates/onboarding/review.html" in templates
    assert "templates/documents/base.html" not in templates
    offenders = [f"{name} {problem}" for name, text in templates.items() for problem in problems_in(text)]
    assert not offenders, "templates that the Content-Security-Policy would break:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="module">go()</script>',
        '<script nonce="abc">go()</script>',
        "<style>.x{color:red}</style>",
        '<div class="a" style="max-width:560px">',
        '<button type="button" onclick="go()">',
        '<button type="button"\n        onclick="go()">',
        '<script\n  id="x">go()</script>',
        '<a href="javascript:go()">',
        '<iframe src="/files/1/"></iframe>',
    ],
)
def test_the_template_check_catches(snippet):
    assert problems_in(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/rubric-total.js' %}\"></script>",
        '<script id="x" nonce="{{ request.csp_nonce }}">go()</script>',
        '<script id="data" type="application/json">{}</script>',
        '<script id="x"\n        src="/static/js/x.js"></script>',
        '<div class="ch-max-560" data-testid="onboarding-step">',
        "{% url 'onboarding:detail' pk=app.pk %}",
    ],
)
def test_the_template_check_lets_pass(snippet):
    assert not problems_in(snippet)
