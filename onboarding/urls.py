from django.urls import path

from onboarding.views import applications, board, config, training

app_name = "onboarding"

urlpatterns = [
    path("", board.board, name="board"),
    path("export.xlsx", board.export, name="export"),
    path("applications/<int:pk>/", applications.detail, name="detail"),
    path("applications/<int:pk>/start-review/", applications.start_review, name="start-review"),
    path("applications/<int:pk>/supplements/", applications.request_supplements, name="request-supplements"),
    path("applications/<int:pk>/review/", applications.review, name="review"),
    path("applications/<int:pk>/inspector/", applications.assign_inspector, name="assign-inspector"),
    path("applications/<int:pk>/inspection/", applications.inspection, name="inspection"),
    path("applications/<int:pk>/evaluation/", applications.evaluation, name="evaluation"),
    path("applications/<int:pk>/contract/", applications.contract, name="contract"),
    path("applications/<int:pk>/countersign/", applications.countersign, name="countersign"),
    path("applications/<int:pk>/reject/", applications.reject, name="reject"),
    path("applications/<int:pk>/comment/", applications.comment, name="comment"),
    path("campaigns/", config.campaign_list, name="campaigns"),
    path("campaigns/new/", config.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", config.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/qr.png", config.campaign_qr_png, name="campaign-qr"),
    path("training/", training.training, name="training"),
    path("training/<int:pk>/done/", training.training_done, name="training-done"),
    path("settings/", config.settings_page, name="settings"),
    path("settings/rubric/", config.config_list, {"kind": "rubric"}, name="config-rubric"),
    path("settings/checklist/", config.config_list, {"kind": "checklist"}, name="config-checklist"),
    path("settings/documents/", config.config_list, {"kind": "documents"}, name="config-documents"),
    path("settings/training/", config.config_list, {"kind": "training"}, name="config-training"),
    path("settings/contract-template/", config.contract_template, name="contract-template"),
    path(
        "settings/contract-template/preview.pdf",
        config.contract_template_preview,
        name="contract-template-preview",
    ),
]
