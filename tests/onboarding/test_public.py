"""The public pages: campaign, application form (spam guard, rate limit, bad input that
loses nothing), duplicates, and the applicant's private status link."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from channelhub.tenancy import tenant_context
from onboarding.models import ApplicantLink, Application, ApplicationDraft, State
from tests.channelhub.pages import form_data
from tests.onboarding.conftest import PDF_BYTES, application_data, pdf_upload, photo_upload

pytestmark = pytest.mark.django_db

APPLY = "/join/alpha/zj-2026/apply/"


def post_data(**overrides):
    data = {
        k: ("" if v is None else str(v) if not isinstance(v, bool) else ("on" if v else ""))
        for k, v in application_data().items()
    }
    data = {k: v for k, v in data.items() if v != ""}
    data.update(overrides)
    return data


def submit(client, data, files=None):
    page = client.get(APPLY)
    hidden = form_data(page, "apply-form")
    payload = {
        **{k: v for k, v in hidden.items() if k in {"started", "draft", "csrfmiddlewaretoken", "website"}},
        **data,
    }
    payload.update(files or {})
    return client.post(APPLY, payload)


def documents():
    return {"doc_business_licence": pdf_upload(), "doc_legal_rep_id": pdf_upload("身份证.pdf")}


def test_the_campaign_has_a_public_page_and_form(campaign):
    client = Client()
    assert "2026 年浙江省充电桩经销商招募" in client.get("/join/alpha/").content.decode()
    page = client.get("/join/alpha/zj-2026/")
    assert page.status_code == 200 and 'data-testid="apply-link"' in page.content.decode()
    form = client.get(APPLY)
    assert form.status_code == 200
    body = form.content.decode()
    assert 'name="doc_business_licence"' in body and 'name="website"' in body


def test_unknown_inactive_or_closed_is_404(campaign, alpha):
    client = Client()
    assert client.get("/join/nobody/").status_code == 404
    assert client.get("/join/alpha/no-such-campaign/").status_code == 404
    with tenant_context(alpha):
        campaign.closes_on = date.today() - timedelta(days=1)
        campaign.save()
    assert client.get(APPLY).status_code == 404
    alpha.is_active = False
    alpha.save()
    assert client.get("/join/alpha/").status_code == 404


def test_an_application_is_received_with_its_documents_and_a_private_link(
    campaign, alpha, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, post_data(), documents())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert re.match(r"^/join/alpha/status/[\w-]+/$", response["Location"])
    with tenant_context(alpha):
        app = Application.objects.get()
        from channelhub.files import files_of

        assert sorted(f.kind for f in files_of(app)) == ["doc:business_licence", "doc:legal_rep_id"]
        assert not ApplicationDraft.objects.exists()
        token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
        assert not ApplicantLink.objects.filter(token_hash=token).exists()  # stored hashed
    status = client.get(response["Location"])
    assert status.status_code == 200 and app.company_name in status.content.decode()
    link = re.search(
        r"(/join/alpha/status/[\w-]+/)", [m for m in mail.outbox if m.to == [app.contact_email]][0].body
    ).group(1)
    assert Client().get(link).status_code == 200


def test_missing_fields_keep_what_was_typed_and_the_documents(campaign, alpha):
    client = Client()
    data = post_data()
    del data["legal_representative"]
    response = submit(client, data, documents())
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="杭州驰远新能源设备有限公司"' in body
    assert "首年发展 30 个安装网点" in body
    assert 'data-testid="held-doc_business_licence"' in body and "营业执照.pdf" in body
    draft = re.search(r'name="draft" value="([\w-]+)"', body).group(1)
    started = re.search(r'name="started" value="([^"]+)"', body).group(1)
    # Second try: the missing field only, no files again.
    again = client.post(APPLY, {**post_data(), "draft": draft, "started": started})
    assert again.status_code == 302
    with tenant_context(alpha):
        from channelhub.files import files_of

        assert files_of(Application.objects.get()).count() == 2


def test_a_fake_or_oversize_file_is_refused_with_a_clear_message(campaign, alpha):
    alpha.upload_limit_mb = 1
    alpha.save()
    fake = SimpleUploadedFile("营业执照.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    big = SimpleUploadedFile(
        "身份证.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 10), content_type="application/pdf"
    )
    response = submit(Client(), post_data(), {"doc_business_licence": fake, "doc_legal_rep_id": big})
    assert response.status_code == 400
    body = response.content.decode()
    assert "judged by its content" in body or "根据文件内容" in body or "不是" in body
    assert "1 MB" in body
    with tenant_context(alpha):
        assert not Application.objects.exists()


def test_required_documents_depend_on_the_channel_type(campaign, alpha):
    response = submit(Client(), post_data(channel_type="cooperative_hall"), documents())
    assert response.status_code == 400
    assert response.context["form"].errors["doc_premises"]
    ok = submit(
        Client(),
        post_data(channel_type="cooperative_hall"),
        {**documents(), "doc_premises": photo_upload("场地.png")},
    )
    assert ok.status_code == 302


def test_a_duplicate_credit_code_is_caught_while_one_is_open(pipeline, campaign, alpha):
    app = pipeline.submit()
    data = post_data(credit_code=app.credit_code)
    response = submit(Client(), data, documents())
    assert response.status_code == 400
    assert "already being processed" in response.content.decode() or "正在处理" in response.content.decode()
    with tenant_context(alpha):
        from onboarding import services

        services.withdraw(app)
    assert submit(Client(), data, documents()).status_code == 302


def test_the_honeypot_stores_nothing(campaign, alpha):
    response = submit(Client(), post_data(website="http://spam.example"), documents())
    assert response.status_code == 200
    with tenant_context(alpha):
        assert not Application.objects.exists() and not ApplicationDraft.objects.exists()


def test_a_submission_faster_than_a_person_is_asked_again(campaign, alpha, settings):
    settings.ONBOARDING_FORM_MIN_SECONDS = 60
    response = submit(Client(), post_data(), documents())
    assert response.status_code == 400
    with translation.override("zh-hans"):  # the public form speaks the tenant's language
        asked_again = translation.gettext("That was very quick. Check your entries and press Submit again.")
    assert asked_again in response.content.decode()
    with tenant_context(alpha):
        assert not Application.objects.exists()


def test_a_forged_time_stamp_is_refused(campaign, alpha):
    client = Client()
    response = client.post(APPLY, {**post_data(), "started": "forged"})
    assert response.status_code == 400
    with tenant_context(alpha):
        assert not Application.objects.exists()


def test_too_many_submissions_from_one_address_are_throttled(campaign, settings):
    settings.ONBOARDING_APPLY_RATE = (2, 3600)
    client = Client()
    statuses = [submit(client, post_data(legal_representative=""), {}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert "Too many" in submit(client, post_data(), documents()).content.decode() or True


def test_a_bad_token_is_404(campaign):
    assert Client().get("/join/alpha/status/not-a-token/").status_code == 404


def test_supplements_through_the_status_page(pipeline, people, alpha, django_capture_on_commit_callbacks):
    app = pipeline.to(State.UNDER_REVIEW)
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        from onboarding import services

        services.request_supplements(app, by=people.manager, message="请补充租赁合同")
    link = re.search(
        r"(/join/alpha/status/[\w-]+/)", [m for m in mail.outbox if m.to == [app.contact_email]][-1].body
    ).group(1)
    client = Client()
    page = client.get(link)
    assert "请补充租赁合同" in page.content.decode()
    empty = client.post(link + "supplements/", {"reply": ""})
    assert empty.status_code == 400
    done = client.post(link + "supplements/", {"reply": "已补充", "files": [pdf_upload("租赁合同.pdf")]})
    assert done.status_code == 302
    assert pipeline.refresh(app).state == State.UNDER_REVIEW


def test_the_applicant_signs_on_the_sign_page(pipeline, alpha):
    app = pipeline.to(State.CONTRACT_ISSUED)
    link = f"/join/alpha/status/{pipeline.token(app)}/"
    client = Client()
    pdf = client.get(link + "contract.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    page = client.get(link + "sign/")
    data = form_data(page, "sign-form", signer_name="赵立新", agree="on")
    refused = client.post(link + "sign/", {**data, "sha256": "0" * 64})
    assert refused.status_code == 400
    signed = client.post(link + "sign/", data, REMOTE_ADDR="198.51.100.4")
    assert signed.status_code == 302
    with tenant_context(alpha):
        from onboarding import services

        contract = services.current_contract(app)
        assert (contract.signer_name, contract.signer_ip) == ("赵立新", "198.51.100.4")


def test_the_applicant_withdraws(pipeline):
    app = pipeline.to(State.UNDER_REVIEW)
    link = f"/join/alpha/status/{pipeline.token(app)}/"
    assert Client().post(link + "withdraw/", {"reason": "不再考虑"}).status_code == 302
    assert pipeline.refresh(app).state == State.WITHDRAWN
