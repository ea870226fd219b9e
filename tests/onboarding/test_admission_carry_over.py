"""Admission → partner: the partner made by countersigning brings the application's territory,
contact and qualification documents along, through the partner registry's services, and says
where they came from. The territory is checked when the contract is issued, not only when the
supervisor countersigns."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from channelhub.models import Activity
from channelhub.tenancy import tenant_context
from onboarding import services
from onboarding.models import State
from partners import services as registry
from partners.models import DocumentKind, Partner, PartnerContact, PartnerDocument
from tests.factories import PartnerFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhejiang(alpha):
    province = RegionFactory(tenant=alpha, name="浙江省")
    hangzhou = RegionFactory(tenant=alpha, parent=province, name="杭州市")
    return {
        "province": province,
        "hangzhou": hangzhou,
        "xihu": RegionFactory(tenant=alpha, parent=hangzhou, name="西湖区"),
        "ningbo": RegionFactory(tenant=alpha, parent=province, name="宁波市"),
    }


def test_the_admitted_partner_has_the_territory_contact_and_documents_of_its_application(
    pipeline, alpha, zhejiang
):
    app = pipeline.to(State.ACTIVE)
    with tenant_context(alpha):
        partner = Partner.objects.select_related("region").get(pk=app.partner_id)
        assert partner.region == zhejiang["xihu"] and partner.exclusive_territory
        contact = PartnerContact.objects.get(partner=partner)
        assert (contact.name, contact.position, contact.email, contact.is_primary) == (
            "赵立新",
            "总经理",
            "zhao@chiyuan.example.cn",
            True,
        )
        assert str(contact.mobile).endswith("13805710000")  # in the registry's phone format
        assert contact.admission_reference == app.reference  # the row says where it came from
        documents = list(PartnerDocument.objects.filter(partner=partner).select_related("file"))
        assert sorted((d.kind, d.file.original_name) for d in documents) == [
            (DocumentKind.BUSINESS_LICENCE, "营业执照.pdf"),
            (DocumentKind.OTHER, "身份证.pdf"),
        ]
        assert {d.file.object_id for d in documents} == {partner.pk}  # the partner's own copies
        assert {d.admission_reference for d in documents} == {app.reference}
        entries = {a.verb: a for a in Activity.objects.filter(object_id=partner.pk, via="admission")}
        summary = entries["onboarding.admitted"].comment
        assert app.reference in summary and "浙江省 / 杭州市 / 西湖区" in summary
        added = Activity.objects.filter(object_id=partner.pk, verb="partner.document_added")
        assert added.count() == 2 and all(app.reference in a.comment for a in added)
        assert app.reference in entries["partner.contact_added"].comment


def test_a_territory_missing_from_the_tree_is_not_widened_and_the_owner_is_told(pipeline, alpha, people):
    RegionFactory(tenant=alpha, name="浙江省")  # no 杭州市 in the tree
    app = pipeline.to(State.ACTIVE)
    with tenant_context(alpha):
        partner = Partner.objects.get(pk=app.partner_id)
        assert partner.region_id is None  # not the whole province
        summary = Activity.objects.get(object_id=partner.pk, verb="onboarding.admitted").comment
        assert "浙江省 杭州市 西湖区" in summary
        from channelhub.models import Notification

        assert Notification.objects.filter(
            recipient=people.manager, title__contains="请设置渠道商的区域"
        ).exists()


def test_region_for_reads_names_with_or_without_their_suffix(alpha, zhejiang):
    with tenant_context(alpha):
        assert registry.region_for(["浙江", "杭州", "西湖区"]) == zhejiang["xihu"]
        assert registry.region_for(["浙江省", "宁波市"]) == zhejiang["ningbo"]
        assert registry.region_for(["浙江省", "温州市"]) is None
        assert registry.region_for([]) is None


def test_issuing_a_contract_for_a_territory_held_exclusively_is_refused_beside_the_field(
    pipeline, alpha, zhejiang, people
):
    with tenant_context(alpha):
        holder = PartnerFactory(
            tenant=alpha, channel_type="distributor", region=zhejiang["hangzhou"], exclusive_territory=True
        )
    app = pipeline.to(State.APPROVED)
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        services.issue_contract(app, by=people.manager, terms=pipeline.terms(app))
    # Beside the box that asks for exclusive rights (the registry's words, naming the holder).
    assert holder.name in " ".join(refused.value.message_dict["is_exclusive"])
    assert pipeline.refresh(app).state == State.APPROVED
    # Not exclusive, in another city: fine.
    terms = {**pipeline.terms(app), "territory": "浙江省 宁波市"}
    with tenant_context(alpha):
        services.issue_contract(app, by=people.manager, terms=terms)
    assert pipeline.refresh(app).state == State.CONTRACT_ISSUED


def test_the_contract_page_keeps_what_was_typed_when_the_territory_is_taken(
    pipeline, alpha, zhejiang, people, client_as
):
    with tenant_context(alpha):
        PartnerFactory(
            tenant=alpha, channel_type="distributor", region=zhejiang["hangzhou"], exclusive_territory=True
        )
    app = pipeline.to(State.APPROVED)
    terms = pipeline.terms(app)
    data = {
        **{k: v for k, v in terms.items() if k != "is_exclusive"},
        "is_exclusive": "on",
        "special_terms": "首年免保证金利息",
    }
    response = client_as(people.manager).post(f"/t/alpha/onboarding/applications/{app.pk}/contract/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["is_exclusive"] and form["special_terms"].value() == "首年免保证金利息"


def test_the_partner_page_says_which_application_a_contact_and_document_came_from(
    pipeline, alpha, zhejiang, people, client_as
):
    app = pipeline.to(State.ACTIVE)
    client = client_as(people.manager)
    for language, words in (("zh-hans", "来自入网申请"), ("en", "From admission application")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        shown = []
        for tab in ("contacts", "documents"):  # each tab's rows come with the page opened on it
            page = client.get(f"/t/alpha/partners/{app.partner_id}/?tab={tab}").content.decode()
            shown += re.findall(r'data-testid="from-admission">([^<]*)<', page)
        assert shown == [f"{words} {app.reference}"] * 3, language  # the contact and two documents


def test_rows_carried_over_before_the_reference_field_get_it_from_their_old_text(alpha):
    """partners/0009 reads the reference from the words the carry-over used to write."""
    import importlib

    from django.apps import apps

    from channelhub import audit
    from tests.factories import PartnerContactFactory, PartnerDocumentFactory, StoredFileFactory

    migration = importlib.import_module("partners.migrations.0009_admission_reference")
    with tenant_context(alpha):
        contact = PartnerContactFactory(tenant=alpha, notes="来自入网申请 RW202500007")
        other = PartnerContactFactory(tenant=alpha, partner=contact.partner, is_primary=False, notes="老客户")
        document = PartnerDocumentFactory(tenant=alpha, partner=contact.partner)
        untouched = PartnerDocumentFactory(
            tenant=alpha,
            partner=contact.partner,
            kind=DocumentKind.OTHER,
            file=StoredFileFactory(tenant=alpha, subject=contact.partner, original_name="其他.pdf"),
        )
        audit.record(
            contact.partner,
            "partner.document_added",
            comment=f"营业执照 · {document.file.original_name} · From admission application RW202500007",
            via="admission",
        )
        migration.backfill(apps, None)
        for row in (contact, other, document, untouched):
            row.refresh_from_db()
    assert (contact.admission_reference, contact.notes) == ("RW202500007", "")
    assert (other.admission_reference, other.notes) == ("", "老客户")
    assert document.admission_reference == "RW202500007" and untouched.admission_reference == ""
