from django.urls import path

from partners.views import imports, records, registry, settings

# Included at /t/<tenant_slug>/partners/ (channelhub/urls.py).
app_name = "partners"

urlpatterns = [
    path("", registry.partner_list, name="list"),
    path("export.xlsx", registry.partner_export, name="export"),
    path("new/", registry.partner_create, name="create"),
    path("pick/", registry.partner_pick, name="pick"),
    path("<int:pk>/", registry.partner_detail, name="detail"),
    path("<int:pk>/edit/", registry.partner_edit, name="edit"),
    path("<int:pk>/profile.pdf", registry.partner_profile_pdf, name="profile-pdf"),
    path("<int:pk>/suspend/", records.partner_suspend, name="suspend"),
    path("<int:pk>/terminate/", records.partner_terminate, name="terminate"),
    path("<int:pk>/reactivate/", records.partner_request_reactivation, name="request-reactivation"),
    path("<int:pk>/contacts/", records.contact_add, name="contact-add"),
    path("<int:pk>/documents/", records.document_add, name="document-add"),
    path("<int:pk>/rewards-penalties/", records.reward_penalty_add, name="reward-penalty-add"),
    path("contacts/<int:pk>/", records.contact_edit, name="contact-edit"),
    path("import/", imports.import_upload, name="import"),
    path("import/template.xlsx", imports.import_template, name="import-template"),
    path("import/<int:pk>/", imports.import_preview, name="import-preview"),
    path("tiers/", settings.tier_list, name="tier-list"),
    path("tiers/<int:pk>/", settings.tier_edit, name="tier-edit"),
    path("regions/", settings.region_list, name="region-list"),
    path("regions/<int:pk>/", settings.region_edit, name="region-edit"),
]
