from django.contrib import admin

from channelhub.admin_base import TenantOwnedAdmin
from onboarding.models import (
    ApplicantLink,
    Application,
    ApplicationDraft,
    Campaign,
    Contract,
    ContractTemplate,
    DocumentRequirement,
    EvaluationReport,
    InspectionItem,
    InspectionReport,
    OnboardingSettings,
    Review,
    ReviewScore,
    ScreeningCriterion,
    SupplementRequest,
    TrainingTask,
    TrainingTopic,
)


@admin.register(Application)
class ApplicationAdmin(TenantOwnedAdmin):
    list_display = (
        "company_name",
        "credit_code",
        "state",
        "channel_type",
        "province",
        "state_changed_at",
        "owner",
    )
    list_filter = ("state", "channel_type")
    search_fields = ("company_name", "credit_code", "contact_email")
    list_select_related = ("tenant", "owner")
    raw_id_fields = ("campaign", "owner", "inspector", "partner")
    # The state moves only through onboarding.services (django-fsm protects the field).
    readonly_fields = (
        "state",
        "state_changed_at",
        "submitted_at",
        "closed_at",
        "review_score",
        "inspection_score",
    )


@admin.register(Campaign)
class CampaignAdmin(TenantOwnedAdmin):
    list_display = ("title", "slug", "opens_on", "closes_on", "is_published")
    list_filter = ("is_published",)
    search_fields = ("title", "slug")


@admin.register(Contract)
class ContractAdmin(TenantOwnedAdmin):
    list_display = (
        "number",
        "application",
        "version",
        "issued_at",
        "signed_at",
        "countersigned_at",
        "voided_at",
    )
    search_fields = ("number",)
    raw_id_fields = ("application", "template", "file", "issued_by", "countersigned_by")
    # The fingerprint and the signature are evidence: never edited.
    readonly_fields = ("sha256", "signer_name", "signed_at", "signer_ip", "signed_sha256")


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    extra = 0
    fields = ("name", "weight", "max_score", "score")

    def get_queryset(self, request):
        return ReviewScore.all_tenants.all()


@admin.register(Review)
class ReviewAdmin(TenantOwnedAdmin):
    list_display = ("application", "total", "pass_mark", "passed", "reviewer", "created_at")
    raw_id_fields = ("application", "reviewer")
    inlines = [ReviewScoreInline]


@admin.register(InspectionReport)
class InspectionReportAdmin(TenantOwnedAdmin):
    list_display = ("application", "score", "inspector", "visited_on")
    raw_id_fields = ("application", "inspector")


@admin.register(EvaluationReport)
class EvaluationReportAdmin(TenantOwnedAdmin):
    list_display = ("application", "combined_score", "recommendation", "author", "created_at")
    raw_id_fields = ("application", "author", "pdf")


@admin.register(SupplementRequest)
class SupplementRequestAdmin(TenantOwnedAdmin):
    list_display = ("application", "requested_at", "replied_at")
    raw_id_fields = ("application", "requested_by")


@admin.register(TrainingTask)
class TrainingTaskAdmin(TenantOwnedAdmin):
    list_display = ("title", "partner", "responsible_role", "completed_at", "completed_by")
    list_filter = ("responsible_role",)
    raw_id_fields = ("partner", "application", "topic", "completed_by")


@admin.register(ApplicantLink)
class ApplicantLinkAdmin(TenantOwnedAdmin):
    list_display = ("application", "created_at")
    raw_id_fields = ("application",)
    readonly_fields = ("token_hash",)


@admin.register(ApplicationDraft)
class ApplicationDraftAdmin(TenantOwnedAdmin):
    list_display = ("campaign", "created_at")
    readonly_fields = ("key_hash",)


@admin.register(OnboardingSettings)
class OnboardingSettingsAdmin(TenantOwnedAdmin):
    list_display = ("tenant", "pass_mark", "inspection_weight", "inspection_days", "approval_days")


@admin.register(ScreeningCriterion)
class ScreeningCriterionAdmin(TenantOwnedAdmin):
    list_display = ("name", "weight", "max_score", "order", "is_active")


@admin.register(InspectionItem)
class InspectionItemAdmin(TenantOwnedAdmin):
    list_display = ("text", "order", "is_active")


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(TenantOwnedAdmin):
    list_display = ("label", "code", "is_required", "order", "is_active")


@admin.register(TrainingTopic)
class TrainingTopicAdmin(TenantOwnedAdmin):
    list_display = ("title", "responsible_role", "order", "is_active")


@admin.register(ContractTemplate)
class ContractTemplateAdmin(TenantOwnedAdmin):
    list_display = ("name", "version", "is_current", "created_at")
