"""The contract: rendered from the tenant's template in a sandbox, a real PDF with Chinese
text, fingerprinted; a changed PDF or a replaced version cannot be signed."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from channelhub.models import Activity
from channelhub.tenancy import tenant_context
from onboarding import services
from onboarding.contract_render import TemplateProblem, compile_template, render_body
from onboarding.models import Contract, ContractTemplate, State
from onboarding.services.config import save_contract_template

pytestmark = pytest.mark.django_db


@pytest.mark.real_pdf
def test_the_contract_is_a_pdf_with_the_chinese_terms_and_its_fingerprint(pipeline, alpha):
    app = pipeline.to(State.CONTRACT_ISSUED)
    with tenant_context(alpha):
        contract = services.current_contract(app)
        data = contract.file.file.open("rb").read()
    import hashlib

    assert (
        data.startswith(b"%PDF-")
        and hashlib.sha256(data).hexdigest() == contract.sha256 == contract.file.sha256
    )
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
    for expected in (
        "渠道合作协议",
        app.company_name,
        app.credit_code,
        "浙江省杭州市西湖区",
        "独家经营权",
        "50,000.00",
    ):
        assert expected in text, expected


def test_signing_records_name_time_ip_and_the_hash(pipeline, alpha):
    app = pipeline.to(State.CONTRACT_SIGNED)
    with tenant_context(alpha):
        contract = Contract.objects.get(application=app)
        assert (contract.signer_name, contract.signer_ip, contract.signed_sha256) == (
            "赵立新",
            "10.0.0.9",
            contract.sha256,
        )
        assert contract.signed_at is not None


def test_a_changed_pdf_cannot_be_signed(pipeline, alpha, people):
    app = pipeline.to(State.CONTRACT_ISSUED)
    with tenant_context(alpha):
        contract = services.current_contract(app)
        path = contract.file.file.path
        with open(path, "ab") as handle:  # someone alters the stored document
            handle.write(b"% tampered\n")
        with pytest.raises(services.ContractChanged) as refused:
            services.sign_contract(
                app, signer_name="赵立新", sha256=contract.sha256, agreed=True, ip="10.0.0.9"
            )
        assert refused.value.code == "tampered"
        assert Activity.objects.filter(object_id=app.pk, verb="onboarding.contract_mismatch").exists()
        assert services.current_contract(app).signed_at is None
    assert pipeline.refresh(app).state == State.CONTRACT_ISSUED


def test_a_replaced_version_cannot_be_signed(pipeline, alpha, people):
    app = pipeline.to(State.CONTRACT_ISSUED)
    with tenant_context(alpha):
        first = services.current_contract(app)
        second = services.issue_contract(
            app, by=people.manager, terms=pipeline.terms(app) | {"deposit": Decimal("80000.00")}
        )
        assert second.version == 2 and second.sha256 != first.sha256
        assert Contract.objects.get(pk=first.pk).voided_at is not None
        with pytest.raises(services.ContractChanged) as refused:
            services.sign_contract(app, signer_name="赵立新", sha256=first.sha256, agreed=True)
        assert refused.value.code == "stale_version"
        services.sign_contract(app, signer_name="赵立新", sha256=second.sha256, agreed=True)
    assert pipeline.refresh(app).state == State.CONTRACT_SIGNED


def test_the_template_runs_in_a_sandbox():
    assert (
        render_body("{{ partner.name }}{{ partner.missing }}", {"partner": {"name": "<甲>"}}) == "&lt;甲&gt;"
    )
    for forbidden in (
        "{% debug %}",
        "{% load static %}",
        '{% include "base.html" %}',
        '{% extends "base.html" %}',
    ):
        with pytest.raises(TemplateProblem):
            compile_template(forbidden)
    with pytest.raises(TemplateProblem):
        compile_template("{% if %}")


def test_saving_the_template_makes_a_new_version_and_refuses_broken_ones(alpha, people):
    with tenant_context(alpha):
        first = ContractTemplate.objects.get(is_current=True)
        saved = save_contract_template(name="协议", body="<h1>{{ partner.name }}</h1>", by=people.admin)
        assert saved.version == first.version + 1 and saved.is_current
        assert not ContractTemplate.objects.get(pk=first.pk).is_current
        with pytest.raises(ValidationError):
            save_contract_template(name="协议", body="{% debug %}", by=people.admin)
        assert ContractTemplate.objects.get(is_current=True) == saved


def test_the_contract_uses_the_tenants_current_template(pipeline, alpha, people):
    with tenant_context(alpha):
        save_contract_template(
            name="简版协议",
            body="<p>乙方：{{ partner.name }}，区域：{{ contract.territory }}</p>",
            by=people.admin,
        )
    app = pipeline.to(State.CONTRACT_ISSUED)
    with tenant_context(alpha):
        contract = services.current_contract(app)
        assert contract.template.name == "简版协议"
