"""Platform operators' view of the registry (across tenants, through all_tenants).

The status is a protected state machine: it is shown read-only; people change it in the
portal, where the role rules, the reason and the audit entry apply.
"""

from django.contrib import admin

from channelhub.admin_base import TenantOwnedAdmin
from partners.models import (
    Partner,
    PartnerContact,
    PartnerDocument,
    PartnerImport,
    Region,
    RewardPenalty,
    Tier,
)


class _ChildInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return self.model.all_tenants.get_queryset()


class ContactInline(_ChildInline):
    model = PartnerContact
    fields = ("name", "position", "mobile", "email", "is_primary", "is_active")
    readonly_fields = fields


class DocumentInline(_ChildInline):
    model = PartnerDocument
    fields = ("kind", "number", "issued_on", "expires_on", "expiry_notified_at")
    readonly_fields = fields


class RewardPenaltyInline(_ChildInline):
    model = RewardPenalty
    fields = ("date", "kind", "category", "amount", "reason", "recorded_by")
    readonly_fields = fields


@admin.register(Partner)
class PartnerAdmin(TenantOwnedAdmin):
    list_display = ("name", "credit_code", "channel_type", "tier", "region", "owner", "status", "created_at")
    list_filter = ("channel_type", "status", "exclusive_territory", "credit_rating")
    list_select_related = ("tenant", "tier", "region__parent__parent", "owner")
    search_fields = ("name", "credit_code", "legal_representative")
    readonly_fields = (
        "status",
        "status_reason",
        "status_changed_at",
        "admission_reference",
        "created_at",
        "updated_at",
    )
    raw_id_fields = ("owner", "tier", "region")
    inlines = [ContactInline, DocumentInline, RewardPenaltyInline]


@admin.register(Tier)
class TierAdmin(TenantOwnedAdmin):
    list_display = ("name", "rank", "is_active")
    search_fields = ("name",)


@admin.register(Region)
class RegionAdmin(TenantOwnedAdmin):
    list_display = ("name", "level", "code", "parent", "is_active")
    list_filter = ("level", "is_active")
    list_select_related = ("tenant", "parent__parent")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)


@admin.register(PartnerContact)
class PartnerContactAdmin(TenantOwnedAdmin):
    list_display = ("name", "partner", "position", "mobile", "email", "is_primary", "is_active")
    list_select_related = ("tenant", "partner")
    search_fields = ("name", "mobile", "email", "partner__name")
    raw_id_fields = ("partner",)


@admin.register(PartnerDocument)
class PartnerDocumentAdmin(TenantOwnedAdmin):
    list_display = ("partner", "kind", "number", "expires_on", "expiry_notified_at")
    list_filter = ("kind",)
    list_select_related = ("tenant", "partner")
    search_fields = ("number", "partner__name")
    raw_id_fields = ("partner", "file", "uploaded_by")


@admin.register(RewardPenalty)
class RewardPenaltyAdmin(TenantOwnedAdmin):
    list_display = ("partner", "date", "kind", "category", "amount", "recorded_by")
    list_filter = ("kind", "category")
    list_select_related = ("tenant", "partner", "recorded_by")
    search_fields = ("partner__name", "reason")
    raw_id_fields = ("partner", "recorded_by")


@admin.register(PartnerImport)
class PartnerImportAdmin(TenantOwnedAdmin):
    list_display = ("__str__", "status", "created_by", "created_at", "created_count", "updated_count")
    list_filter = ("status",)
    list_select_related = ("tenant", "file", "created_by")
    raw_id_fields = ("file", "created_by", "completed_by")

    def get_queryset(self, request):
        # The parsed rows of a waiting import can be megabytes: not for every list row.
        return super().get_queryset(request).defer("parsed")
