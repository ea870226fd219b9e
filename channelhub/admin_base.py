from django.contrib import admin


class TenantOwnedAdmin(admin.ModelAdmin):
    """Admin for tenant-owned models: every tenant's rows, the tenant shown and filterable.

    The admin works across tenants on purpose (platform operators); it reads
    through the explicit ``all_tenants`` manager.
    """

    list_filter: tuple = ("tenant",)
    list_select_related: tuple = ("tenant",)

    def get_queryset(self, request):
        queryset = self.model.all_tenants.get_queryset()
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if "tenant" not in display:
            display.insert(1 if display and display[0] != "__str__" else 0, "tenant")
        return display

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if "tenant" not in filters:
            filters.insert(0, "tenant")
        return filters


class ReadOnlyAdminMixin:
    """For append-only records: visible, never added, changed or deleted from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
