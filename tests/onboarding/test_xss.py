"""Stored XSS: text a tenant admin (or an applicant) typed is shown escaped on every page.

A rubric criterion's description goes into the review form's help text, a document
requirement's hint into the public application form's help text, a training topic's
description onto the training checklist. Before the fix, ``components/field.html`` printed
help texts with ``|safe``: a ``<script>`` in a description ran in every reviewer's browser.
"""

import re
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth import password_validation
from django.template.loader import render_to_string
from django.test import Client

from channelhub.tenancy import tenant_context
from onboarding.models import DocumentRequirement, ScreeningCriterion, State, TrainingTopic
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('rubric')</script>"
IMG = "<img src=x onerror=alert(1)>"
PAYLOAD = f"检查营业执照{SCRIPT}{IMG}"
ESCAPED = ["&lt;script&gt;alert(&#x27;rubric&#x27;)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;"]
BOARD = "/t/alpha/onboarding/"
ROOT = Path(__file__).resolve().parents[2]


def assert_escaped(response, status=200):
    assert response.status_code == status, response.status_code
    body = response.content.decode()
    assert SCRIPT not in body and "<img src=x" not in body, "the typed markup is live on the page"
    for escaped in ESCAPED:
        assert escaped in body, f"{escaped} is not shown"


@pytest.fixture
def hostile(alpha, campaign):
    """Every text a tenant admin types into the pipeline's settings carries markup."""
    with tenant_context(alpha):
        ScreeningCriterion.objects.update(description=PAYLOAD)
        DocumentRequirement.objects.update(help_text=PAYLOAD)
        TrainingTopic.objects.update(description=PAYLOAD)
        assert ScreeningCriterion.objects.exists() and DocumentRequirement.objects.exists()


def test_the_rubric_description_is_escaped_on_the_review_page(hostile, pipeline, people, client_as):
    app = pipeline.to(State.UNDER_REVIEW)
    page = client_as(people.manager).get(f"{BOARD}applications/{app.pk}/review/")
    assert_escaped(page)


def test_the_rubric_description_is_escaped_when_the_review_comes_back_with_errors(
    hostile, pipeline, people, client_as
):
    app = pipeline.to(State.UNDER_REVIEW)
    refused = client_as(people.manager).post(f"{BOARD}applications/{app.pk}/review/", {"comment": "先看"})
    assert refused.context["form"].errors  # the scores are missing: the form comes back
    assert_escaped(refused, status=400)


def test_the_document_hint_is_escaped_on_the_public_application_form(hostile):
    assert_escaped(Client().get("/join/alpha/zj-2026/apply/"))


def test_the_settings_lists_show_the_typed_markup_as_text(hostile, people, client_as):
    client = client_as(people.admin)
    for kind in ("rubric", "documents", "training"):
        page = client.get(f"{BOARD}settings/{kind}/")
        body = page.content.decode()
        assert page.status_code == 200 and SCRIPT not in body and "<img src=x" not in body, kind


def test_the_training_topic_is_escaped_on_the_checklist(hostile, alpha, member, client_as):
    from channelhub.roles import Role
    from onboarding.services.training import create_training_checklist

    partner = PartnerFactory(tenant=alpha)
    with tenant_context(alpha):
        create_training_checklist(partner)
    assert_escaped(client_as(member(Role.TECH_SUPPORT)).get(f"{BOARD}training/"))


# --- the component and the rule ---------------------------------------------------------------


class _Form(forms.Form):
    typed = forms.CharField(help_text=PAYLOAD)
    password = forms.CharField(help_text=password_validation.password_validators_help_text_html())


def test_the_field_component_escapes_help_text_but_keeps_markup_built_safely(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}
    ]
    form = _Form()
    form.fields["password"].help_text = password_validation.password_validators_help_text_html()
    typed = render_to_string("components/field.html", {"field": form["typed"]})
    assert SCRIPT not in typed and ESCAPED[0] in typed
    built = render_to_string("components/field.html", {"field": form["password"]})
    assert "<ul><li>" in built  # Django's format_html() list stays a list
    assert "{#" not in typed and "comment" not in typed  # the component's own comment stays hidden


def test_no_template_has_a_comment_django_would_print():
    """``{# … #}`` is one line only: one spread over lines is printed on the page."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert offenders == []


def test_no_template_marks_text_safe():
    """``|safe`` and ``{% autoescape off %}`` are for nothing a person typed; the plain-text
    e-mail templates (``.txt``) are not HTML and may turn escaping off."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"\|\s*safe\b|\|\s*safeseq\b|{%\s*autoescape\s+off", source):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


ALLOWED_MARK_SAFE = {
    # The contract body: the tenant admin's own template markup, rendered in the sandbox of
    # onboarding/contract_render.py (every value autoescaped) and only into a PDF whose URL
    # fetcher serves the project's static files (channelhub/documents.py).
    "onboarding/services/contracts.py",
    # HTML built in Python for speed (list rows, filter widgets): every value through
    # html.escape before the join (reviewed; tests/channelhub/test_widgets.py).
    "channelhub/markup.py",
    # The kept top bar: markup its template escaped, with the per-request holes filled by a
    # CSRF token (letters and digits), the escaped current path and the kept sidebar (reviewed;
    # tests/channelhub/test_shell_fragments.py holds a path with markup escaped).
    "channelhub/context_processors.py",
}


def test_mark_safe_is_used_only_where_it_is_reviewed():
    offenders = []
    for app in (
        "channelhub",
        "partners",
        "onboarding",
        "filings",
        "orders",
        "pricing",
        "aftersales",
        "evaluations",
    ):
        for path in (ROOT / app).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            source = path.read_text(encoding="utf-8")
            if (
                re.search(r"\bmark_safe\(|\bSafeString\(|\.__html__\b", source)
                and relative not in ALLOWED_MARK_SAFE
            ):
                offenders.append(relative)
    assert offenders == []
