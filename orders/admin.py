"""Platform operators' view of the orders module (across tenants, through all_tenants).
Workflow states are read-only here: people change them in the portal, through the services."""

from django.contrib import admin

from channelhub.admin_base import TenantOwnedAdmin
from orders.models import Product, ProductCategory, ProductImport, ProductLine


@admin.register(ProductCategory)
class ProductCategoryAdmin(TenantOwnedAdmin):
    list_display = ("name", "parent", "code", "position", "is_active")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)


@admin.register(ProductLine)
class ProductLineAdmin(TenantOwnedAdmin):
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")


@admin.register(Product)
class ProductAdmin(TenantOwnedAdmin):
    list_display = ("sku", "name", "category", "line", "list_price", "status")
    list_filter = ("tenant", "status", "is_service")
    search_fields = ("sku", "name")
    raw_id_fields = ("category", "line")
    readonly_fields = ("status", "status_changed_at", "created_at", "updated_at")


@admin.register(ProductImport)
class ProductImportAdmin(TenantOwnedAdmin):
    list_display = ("__str__", "status", "created_by", "created_at", "created_count", "updated_count")
    readonly_fields = [field.name for field in ProductImport._meta.fields]
