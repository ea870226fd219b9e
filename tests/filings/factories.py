"""Factories of the filings module's rows (registered in tests.factories.OBJECT_FACTORIES)."""

import factory

from channelhub.tenancy import tenant_context
from filings import partner_fields
from filings.customers import keys_of
from filings.models import CustomerRegistration, Filing, FilingKind, RequiredAttachment
from tests.factories import PartnerFactory, TenantFactory, TenantOwnedFactory, UserFactory


def _snapshot(tenant, partner) -> dict:
    if partner is None:
        return {}
    with tenant_context(tenant):
        return partner_fields.snapshot(partner)


class FilingFactory(TenantOwnedFactory):
    """A draft change filing (renaming the partner) unless told otherwise."""

    class Meta:
        model = Filing

    tenant = factory.SubFactory(TenantFactory)
    kind = FilingKind.CHANGE
    partner = factory.LazyAttribute(lambda o: PartnerFactory(tenant=o.tenant))
    channel_type = factory.LazyAttribute(lambda o: o.partner.channel_type if o.partner else "")
    proposed = factory.LazyAttribute(lambda o: {"name": f"{o.partner.name}（新）"} if o.partner else {})
    baseline = factory.LazyAttribute(lambda o: _snapshot(o.tenant, o.partner))
    reason = "业务调整"
    impact = "无"
    created_by = factory.SubFactory(UserFactory)


class CustomerRegistrationFactory(TenantOwnedFactory):
    class Meta:
        model = CustomerRegistration

    tenant = factory.SubFactory(TenantFactory)
    partner = factory.LazyAttribute(lambda o: PartnerFactory(tenant=o.tenant))
    customer_name = factory.Sequence(lambda n: f"郑州测试客户{n}有限公司")
    contact_phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    region = "河南省郑州市"
    products = "直流充电桩"
    registered_by = factory.SubFactory(UserFactory)
    name_key = factory.LazyAttribute(lambda o: keys_of(o.customer_name)["name_key"])
    phone_key = factory.LazyAttribute(lambda o: keys_of("", o.contact_phone)["phone_key"])


class RequiredAttachmentFactory(TenantOwnedFactory):
    class Meta:
        model = RequiredAttachment

    tenant = factory.SubFactory(TenantFactory)
    kind = FilingKind.CHANGE
    code = factory.Sequence(lambda n: f"proof_{n}")
    label = factory.Sequence(lambda n: f"证明材料{n}")


def _own(viewer, tenant) -> dict:
    """Make a filing the viewer's own in every way but the tenant (tests.channelhub.test_isolation)."""
    if viewer is None:
        return {}
    values = {"created_by": viewer.user}
    if viewer.is_partner_user:
        values["filed_by_partner"] = True
        if viewer.tenant_id == tenant.pk:
            values["partner"] = viewer.partner
    return values


def _own_registration(viewer, tenant) -> dict:
    if viewer is None:
        return {}
    values = {"registered_by": viewer.user}
    if viewer.is_partner_user and viewer.tenant_id == tenant.pk:
        values["partner"] = viewer.partner
    return values


OBJECT_FACTORIES = {
    Filing: lambda tenant, viewer=None: FilingFactory(tenant=tenant, **_own(viewer, tenant)),
    CustomerRegistration: lambda tenant, viewer=None: CustomerRegistrationFactory(
        tenant=tenant, **_own_registration(viewer, tenant)
    ),
    RequiredAttachment: lambda tenant, viewer=None: RequiredAttachmentFactory(tenant=tenant),
}
