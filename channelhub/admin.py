from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from channelhub.admin_base import ReadOnlyAdminMixin, TenantOwnedAdmin
from channelhub.forms import LockoutAdminAuthenticationForm
from channelhub.models import (
    Activity,
    ApprovalLink,
    ApprovalRequest,
    ApprovalStep,
    Comment,
    Invitation,
    Membership,
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutgoingEmail,
    StoredFile,
    Tenant,
    User,
)

# The admin's log-in counts against the same (address, IP) pairs and IP limits as the portal's
# (django-axes) and says "too many attempts" in the same words.
admin.site.login_form = LockoutAdminAuthenticationForm


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "time_zone", "currency", "default_language", "is_active")
    list_filter = ("is_active", "default_language")
    search_fields = ("name", "slug")


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("tenant", "role", "partner", "is_active")
    autocomplete_fields = ("tenant",)

    def get_queryset(self, request):
        return Membership.all_tenants.select_related("tenant", "partner")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "last_login")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "first_name", "last_name", "phone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(TenantOwnedAdmin):
    list_display = ("user", "role", "partner", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("tenant", "user", "partner")
    raw_id_fields = ("user", "partner")


@admin.register(Invitation)
class InvitationAdmin(TenantOwnedAdmin):
    list_display = ("email", "role", "partner", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("email",)
    readonly_fields = ("token_hash", "invited_by", "accepted_by", "accepted_at", "created_at")
    raw_id_fields = ("partner",)


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdminMixin, TenantOwnedAdmin):
    """The audit log: visible to operators, never changed (the database refuses too)."""

    list_display = (
        "created_at",
        "verb",
        "content_type",
        "object_id",
        "actor",
        "from_state",
        "to_state",
        "via",
    )
    list_filter = ("verb", "via", "content_type")
    search_fields = ("verb", "comment", "actor__email")
    list_select_related = ("tenant", "actor", "content_type")
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


@admin.register(Comment)
class CommentAdmin(TenantOwnedAdmin):
    list_display = ("created_at", "author", "content_type", "object_id", "body")
    list_select_related = ("tenant", "author", "content_type")
    raw_id_fields = ("author",)


@admin.register(StoredFile)
class StoredFileAdmin(TenantOwnedAdmin):
    list_display = ("original_name", "kind", "mime_type", "size", "content_type", "object_id", "created_at")
    list_filter = ("kind", "mime_type")
    search_fields = ("original_name", "sha256")
    readonly_fields = ("file", "sha256", "size", "mime_type", "uploaded_by")


@admin.register(Notification)
class NotificationAdmin(TenantOwnedAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__email")
    raw_id_fields = ("recipient",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(TenantOwnedAdmin):
    list_display = ("user", "kind", "email_enabled")
    raw_id_fields = ("user",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sent_at", "tenant", "to", "subject")
    list_filter = ("tenant",)
    search_fields = ("to", "subject")

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


class OutgoingEmailStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("unsent", _("not sent yet")), ("failed", _("given up")), ("sent", _("sent"))]

    def queryset(self, request, queryset):
        from channelhub.mail import MAX_ATTEMPTS

        if self.value() == "unsent":
            return queryset.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        if self.value() == "failed":
            return queryset.filter(sent_at__isnull=True, attempts__gte=MAX_ATTEMPTS)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox, for the operator: what is waiting, what failed and why; "send again" hands a
    given-up row back to the worker (after the mail server is fixed)."""

    list_display = ("created_at", "tenant", "source", "subject", "attempts", "sent_at", "short_error")
    list_filter = (OutgoingEmailStateFilter, "source", "tenant")
    search_fields = ("subject", "message_id", "to")
    exclude = ("html_body",)
    actions = ["send_again"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    @admin.display(description=_("last error"))
    def short_error(self, row):
        return row.last_error[:80]

    @admin.action(description=_("Send the selected unsent e-mails again"))
    def send_again(self, request, queryset):
        from channelhub.mail import dispatch

        ids = list(queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
        OutgoingEmail.objects.filter(pk__in=ids).update(attempts=0, leased_until=None)
        for start in range(0, len(ids), 50):
            dispatch(ids[start : start + 50])
        self.message_user(request, _("%(count)d e-mail(s) handed to the worker.") % {"count": len(ids)})


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    fields = ("order", "approver", "approver_role", "decision", "decided_by", "decided_at", "via", "comment")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return ApprovalStep.all_tenants.select_related("approver", "decided_by")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(TenantOwnedAdmin):
    list_display = ("title", "action", "status", "requested_by", "created_at", "decided_at")
    list_filter = ("status", "action")
    search_fields = ("title",)
    readonly_fields = (
        "content_type",
        "object_id",
        "action",
        "status",
        "current_step",
        "requested_by",
        "decided_at",
    )
    inlines = [ApprovalStepInline]


@admin.register(ApprovalLink)
class ApprovalLinkAdmin(ReadOnlyAdminMixin, TenantOwnedAdmin):
    list_display = ("step", "approver", "created_at", "expires_at", "used_at")

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff
