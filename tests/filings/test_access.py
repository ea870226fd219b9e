"""Who may do what: every filings URL refuses the roles roles.py does not name (403),
hides other tenants' objects (404), and partner users see only their own partner's rows."""

import pytest
from django.urls import get_resolver

from channelhub.models import StoredFile
from channelhub.roles import PERMISSIONS, Role, can
from channelhub.tenancy import tenant_context, unscoped
from filings.models import CustomerRegistration, Filing, FilingState, RequiredAttachment
from tests.factories import OBJECT_FACTORIES, MembershipFactory, PartnerFactory
from tests.filings.factories import FilingFactory

pytestmark = pytest.mark.django_db


def filings_endpoints():
    resolver = get_resolver()
    tenant_urls = next(p for p in resolver.url_patterns if str(p.pattern) == "t/<slug:tenant_slug>/")
    filings = next(p for p in tenant_urls.url_patterns if getattr(p, "namespace", None) == "filings")
    return [(f"filings:{p.name}", p) for p in filings.url_patterns]


ENDPOINTS = filings_endpoints()


def _path(name, pattern, obj=None):
    from django.urls import reverse

    kwargs = {"tenant_slug": "alpha"}
    if "pk" in pattern.pattern.converters:
        kwargs["pk"] = obj.pk
    return reverse(name, kwargs=kwargs)


def _object_for(rule, tenant):
    if rule.model is None:
        return None
    return OBJECT_FACTORIES[rule.model](tenant)


def test_every_filings_url_declares_a_known_permission_and_its_model():
    for name, pattern in ENDPOINTS:
        rule = pattern.callback.access_rule
        assert rule.kind == "tenant" and rule.permission in PERMISSIONS, name
        if "pk" in pattern.pattern.converters:
            assert rule.model in {Filing, CustomerRegistration, RequiredAttachment}, name
            assert rule.model in OBJECT_FACTORIES, name


@pytest.mark.parametrize("name, pattern", ENDPOINTS, ids=[name for name, _ in ENDPOINTS])
def test_roles_without_the_permission_are_refused(name, pattern, alpha, member, client_as):
    rule = pattern.callback.access_rule
    obj = _object_for(rule, alpha)
    path = _path(name, pattern, obj)
    before = _snapshot(obj)
    refused = [role for role in Role if not can(role, rule.permission)]
    assert refused, f"{name}: everybody may {rule.permission}?"
    for role in refused:
        client = client_as(member(role))
        assert client.get(path).status_code in (403, 405), (name, role)  # 405: a POST-only URL
        assert client.post(path, {"reason": "x", "note": "x"}).status_code == 403, (name, role)
    assert _snapshot(obj) == before


def _snapshot(obj):
    if obj is None:
        return None
    with unscoped():
        fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


OBJECT_ENDPOINTS = [(n, p) for n, p in ENDPOINTS if "pk" in p.pattern.converters]


@pytest.mark.parametrize("name, pattern", OBJECT_ENDPOINTS, ids=[n for n, _ in OBJECT_ENDPOINTS])
def test_objects_of_another_tenant_are_404(name, pattern, alpha, beta, client_as):
    rule = pattern.callback.access_rule
    # A staff role where one holds the permission; else a partner admin (customers.withdraw).
    role = sorted(
        PERMISSIONS[rule.permission],
        key=lambda r: (r in {Role.PARTNER_ADMIN, Role.PARTNER_STAFF}, r != Role.PARTNER_ADMIN, r),
    )[0]
    viewer = MembershipFactory(tenant=beta, role=role)
    foreign = OBJECT_FACTORIES[rule.model](alpha, viewer=viewer)  # theirs in all but the tenant
    before = _snapshot(foreign)
    client = client_as(viewer.user)
    from django.urls import reverse

    for slug in ("beta", "alpha"):
        path = reverse(name, kwargs={"tenant_slug": slug, "pk": foreign.pk})
        assert client.get(path).status_code in (404, 405), path
        assert (
            client.post(path, {"reason": "x", "note": "x", "comment": "x", "award": "award"}).status_code
            == 404
        )
    assert _snapshot(foreign) == before


# --- partner users ------------------------------------------------------------------------------


@pytest.fixture
def partner_admin(member):
    return member(Role.PARTNER_ADMIN)


def test_partner_users_see_their_own_filings_and_what_was_recorded_about_them(
    alpha, alpha_partner, partner_admin, manager, client_as
):
    own = FilingFactory(tenant=alpha, partner=alpha_partner, created_by=partner_admin, filed_by_partner=True)
    about_us_draft = FilingFactory(
        tenant=alpha, partner=alpha_partner, created_by=manager, kind="termination"
    )
    about_us_recorded = FilingFactory(
        tenant=alpha,
        partner=alpha_partner,
        created_by=manager,
        state=FilingState.EFFECTIVE,
        record_number="BA-1",
    )
    other = FilingFactory(tenant=alpha, created_by=manager, state=FilingState.EFFECTIVE)
    client = client_as(partner_admin)
    listing = client.get("/t/alpha/filings/")
    assert {f.pk for f, _flags in listing.context["rows"]} == {own.pk, about_us_recorded.pk}
    assert client.get(f"/t/alpha/filings/{own.pk}/").status_code == 200
    assert client.get(f"/t/alpha/filings/{about_us_recorded.pk}/").status_code == 200
    for hidden in (about_us_draft, other):
        assert client.get(f"/t/alpha/filings/{hidden.pk}/").status_code == 404
        assert client.get(f"/t/alpha/filings/{hidden.pk}/record.pdf").status_code == 404
        assert client.post(f"/t/alpha/filings/{hidden.pk}/withdraw/", {"reason": "x"}).status_code == 404
    # Its own recorded filing is readable, not editable.
    assert client.get(f"/t/alpha/filings/{about_us_recorded.pk}/edit/").status_code == 302


def test_a_partner_admin_files_changes_only_for_its_own_partner(
    alpha, alpha_partner, partner_admin, client_as
):
    other = PartnerFactory(tenant=alpha)
    client = client_as(partner_admin)
    assert client.get(f"/t/alpha/filings/new/change/?partner={alpha_partner.pk}").status_code == 200
    assert client.get(f"/t/alpha/filings/new/change/?partner={other.pk}").status_code == 404
    assert client.get("/t/alpha/filings/new/channel/").status_code == 403
    page = client.get("/t/alpha/filings/new/change/")
    assert [p.pk for p in page.context["pick"].fields["partner"].queryset] == [alpha_partner.pk]


def test_partner_users_download_only_their_own_filings_files(
    alpha, alpha_partner, partner_admin, manager, client_as, member
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from channelhub.files import store_file
    from tests.filings.conftest import PNG

    own = FilingFactory(tenant=alpha, partner=alpha_partner, created_by=partner_admin, filed_by_partner=True)
    other = FilingFactory(tenant=alpha, created_by=manager)
    with tenant_context(alpha):
        mine = store_file(own, SimpleUploadedFile("a.png", PNG), by=partner_admin)
        theirs = store_file(other, SimpleUploadedFile("b.png", PNG), by=manager)
    client = client_as(partner_admin)
    assert client.get(f"/t/alpha/files/{mine.pk}/").status_code == 200
    assert client.get(f"/t/alpha/files/{theirs.pk}/").status_code == 404
    assert client_as(member(Role.CLERK)).get(f"/t/alpha/files/{theirs.pk}/").status_code == 200
    assert client_as(member(Role.FINANCE)).get(f"/t/alpha/files/{theirs.pk}/").status_code in (403, 404)
    with unscoped():
        assert StoredFile.objects.count() == 2


def test_only_the_clerk_records_and_only_the_supervisor_approves(flow, alpha, partner, client_as, member):
    filing = flow.change(partner, {"name": "郑州新名字有限公司"})
    flow.submit(filing)
    request = flow.request_of(filing)
    for role in (Role.CHANNEL_MANAGER, Role.CLERK, Role.EXECUTIVE):
        response = client_as(member(role)).post(f"/t/alpha/approvals/{request.pk}/", {"decision": "approve"})
        assert response.status_code in (302, 403, 404), role
    assert flow.reload(filing).state == FilingState.SUBMITTED
    flow.decide(filing)
    for role in (Role.CHANNEL_MANAGER, Role.CHANNEL_SUPERVISOR, Role.TENANT_ADMIN):
        assert client_as(member(role)).post(f"/t/alpha/filings/{filing.pk}/record/").status_code == 403
    assert flow.reload(filing).state == FilingState.APPROVED
    assert client_as(flow.clerk).post(f"/t/alpha/filings/{filing.pk}/record/").status_code == 302
    assert flow.reload(filing).state == FilingState.EFFECTIVE


# --- who may take each transition: the services refuse too, not only the pages ----------------------


def test_a_partner_admin_submits_and_withdraws_only_what_its_own_partner_filed(
    flow, alpha, alpha_partner, partner_admin
):
    from django.core.exceptions import PermissionDenied

    from filings import services

    managers = flow.change(alpha_partner, {"name": "杭州驰远新能源（更名）有限公司"})
    with pytest.raises(PermissionDenied):
        flow.submit(managers, by=partner_admin)
    assert flow.reload(managers).state == FilingState.DRAFT
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.withdraw_filing(managers, by=partner_admin, reason="不要了")

    own = flow.change(
        alpha_partner, {"name": "杭州驰远新能源（新）有限公司"}, by=partner_admin, by_partner=True
    )
    flow.submit(own, by=partner_admin)
    assert own.state == FilingState.SUBMITTED
    with tenant_context(alpha):
        services.withdraw_filing(own, by=partner_admin, reason="重复提交")
    assert flow.reload(own).state == FilingState.WITHDRAWN


def test_only_a_channel_manager_submits_a_new_channel_filing(flow, member):
    from django.core.exceptions import PermissionDenied

    filing = flow.new()
    for role in (Role.PARTNER_ADMIN, Role.TENANT_ADMIN, Role.CHANNEL_SUPERVISOR):
        with pytest.raises(PermissionDenied):
            flow.submit(filing, by=member(role))
    assert filing.state == FilingState.DRAFT
    flow.submit(filing, by=member(Role.CHANNEL_MANAGER))
    assert filing.state == FilingState.SUBMITTED


def test_only_a_clerk_records_or_sends_a_stale_filing_back(flow, alpha, partner, supervisor):
    from django.core.exceptions import PermissionDenied

    from filings import services
    from filings.models import RecordCounter
    from partners.models import Partner

    filing = flow.through(flow.change(partner, {"name": "郑州新名字有限公司"}), to="approved")
    with pytest.raises(PermissionDenied):
        flow.record(filing, by=supervisor)
    with tenant_context(alpha):
        assert not RecordCounter.objects.filter(last_seq__gt=0).exists()  # no number used
        Partner.objects.filter(pk=partner.pk).update(channel_type="online")  # the partner changes meanwhile
    with pytest.raises(PermissionDenied):
        flow.record(filing, by=supervisor)
    assert filing.state == FilingState.APPROVED
    with pytest.raises(services.StaleFiling):
        flow.record(filing)  # the clerk
    assert filing.state == FilingState.RETURNED


def test_partner_users_may_not_manage_registrations_through_the_services_either(
    alpha, alpha_partner, partner_admin
):
    from datetime import date

    from django.core.exceptions import PermissionDenied

    from filings import customers
    from filings.models import CustomerStatus

    with tenant_context(alpha):
        registration = customers.register_customer(
            partner=alpha_partner,
            by=partner_admin,
            data={"customer_name": "郑州公交集团有限公司", "region": "郑州", "products": "直流桩"},
        )
        with pytest.raises(PermissionDenied):
            customers.record_order(registration, by=partner_admin, on=date(2026, 3, 1))
        with pytest.raises(PermissionDenied):
            customers.release_registration(registration, by=partner_admin, reason="不做了")
        registration.refresh_from_db()
    assert registration.status == CustomerStatus.PROTECTED


def test_only_tenant_admins_change_the_filing_settings(alpha, member):
    from django.core.exceptions import PermissionDenied

    from filings import services

    with tenant_context(alpha):
        with pytest.raises(PermissionDenied):
            services.update_settings(data={"validity_days": 30}, by=member(Role.CHANNEL_MANAGER))
        with pytest.raises(PermissionDenied):
            services.add_required_attachment(
                data={"kind": "change", "code": "proof", "label": "证明"}, by=member(Role.CHANNEL_MANAGER)
            )
        assert services.get_settings().validity_days == 5
        services.update_settings(data={"validity_days": 30}, by=member(Role.TENANT_ADMIN))
        assert services.get_settings().validity_days == 30
