from django.contrib import admin

from channelhub.admin_base import ReadOnlyAdminMixin, TenantOwnedAdmin
from filings.models import (
    CustomerRegistration,
    Filing,
    FilingReminder,
    FilingSettings,
    RecordCounter,
    RequiredAttachment,
)


@admin.register(Filing)
class FilingAdmin(TenantOwnedAdmin):
    """Read and search for operators; state changes go through the portal's services."""

    list_display = ("__str__", "kind", "state", "partner", "created_by", "created_at", "recorded_at")
    list_filter = ("kind", "state", "record_year")
    list_select_related = ("tenant", "partner", "created_by")
    search_fields = ("record_number", "partner__name", "reason")
    readonly_fields = [f.name for f in Filing._meta.concrete_fields if f.name != "id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CustomerRegistration)
class CustomerRegistrationAdmin(TenantOwnedAdmin):
    list_display = (
        "customer_name",
        "partner",
        "status",
        "protected_until",
        "order_recorded_on",
        "created_at",
    )
    list_filter = ("status",)
    list_select_related = ("tenant", "partner")
    search_fields = ("customer_name", "contact_phone", "credit_code", "partner__name")
    readonly_fields = [f.name for f in CustomerRegistration._meta.concrete_fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FilingSettings)
class FilingSettingsAdmin(TenantOwnedAdmin):
    list_display = (
        "tenant",
        "validity_months",
        "validity_days",
        "record_within_days",
        "customer_protection_months",
    )


@admin.register(RequiredAttachment)
class RequiredAttachmentAdmin(TenantOwnedAdmin):
    list_display = ("label", "kind", "code", "channel_types", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(RecordCounter)
class RecordCounterAdmin(ReadOnlyAdminMixin, TenantOwnedAdmin):
    list_display = ("year", "last_seq")


@admin.register(FilingReminder)
class FilingReminderAdmin(ReadOnlyAdminMixin, TenantOwnedAdmin):
    list_display = ("filing", "kind", "on_date", "created_at")
    list_filter = ("kind",)
