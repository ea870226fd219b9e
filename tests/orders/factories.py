"""Factories of the orders module's rows (registered in tests.factories.OBJECT_FACTORIES)."""

import hashlib
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from channelhub.tenancy import tenant_context
from orders.models import Product, ProductCategory, ProductImport, ProductLine
from tests.factories import XLSX_TYPE, StoredFileFactory, TenantFactory, TenantOwnedFactory, UserFactory


class ProductCategoryFactory(TenantOwnedFactory):
    class Meta:
        model = ProductCategory

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"测试类别{n}")
    code = factory.Sequence(lambda n: f"CAT{n}")


class ProductLineFactory(TenantOwnedFactory):
    class Meta:
        model = ProductLine

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"L{n}")
    name = factory.Sequence(lambda n: f"测试产品线{n}")


class ProductFactory(TenantOwnedFactory):
    class Meta:
        model = Product

    tenant = factory.SubFactory(TenantFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"测试产品{n}")
    category = factory.LazyAttribute(lambda o: ProductCategoryFactory(tenant=o.tenant))
    line = factory.LazyAttribute(lambda o: ProductLineFactory(tenant=o.tenant))
    list_price = Decimal("100.00")


OBJECT_FACTORIES = {
    ProductCategory: lambda tenant, viewer=None: ProductCategoryFactory(tenant=tenant),
    ProductLine: lambda tenant, viewer=None: ProductLineFactory(tenant=tenant),
    Product: lambda tenant, viewer=None: ProductFactory(tenant=tenant),
}


class ProductImportFactory(TenantOwnedFactory):
    """An uploaded catalogue workbook (the empty template by default) waiting for confirmation."""

    class Meta:
        model = ProductImport
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def workbook(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        from orders.importer import template_workbook

        with tenant_context(obj.tenant):
            data = extracted if extracted is not None else template_workbook()
            obj.file = StoredFileFactory(
                tenant=obj.tenant,
                subject=obj,
                file=ContentFile(data, name="upload"),
                original_name="产品导入.xlsx",
                mime_type=XLSX_TYPE,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
            obj.save(update_fields=["file"])


OBJECT_FACTORIES[ProductImport] = lambda tenant, viewer=None: ProductImportFactory(
    tenant=tenant, **({"created_by": viewer.user} if viewer is not None else {})
)
