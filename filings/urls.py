from django.urls import path

from filings.views import config, customers, filings, register

app_name = "filings"

urlpatterns = [
    # The register (备案台账) and the queues of the supervisor and the clerk
    path("", register.register, name="list"),
    path("export.xlsx", register.export, name="export"),
    path("to-approve/", register.to_approve, name="to-approve"),
    path("to-record/", register.to_record, name="to-record"),
    # The three forms
    path("new/channel/", filings.new_channel, name="new-channel"),
    path("new/change/", filings.new_change, name="new-change"),
    path("new/change/preview/", filings.change_preview, name="change-preview"),
    path("new/termination/", filings.new_termination, name="new-termination"),
    # One filing
    path("<int:pk>/", filings.detail, name="detail"),
    path("<int:pk>/edit/", filings.edit, name="edit"),
    path("<int:pk>/attachments/", filings.attach, name="attach"),
    path("<int:pk>/submit/", filings.submit, name="submit"),
    path("<int:pk>/withdraw/", filings.withdraw, name="withdraw"),
    path("<int:pk>/record/", filings.record, name="record"),
    path("<int:pk>/send-back/", filings.send_back, name="send-back"),
    path("<int:pk>/record.pdf", register.record_pdf, name="pdf"),
    # Customer registration (客户报备)
    path("customers/", customers.customer_list, name="customer-list"),
    path("customers/new/", customers.customer_new, name="customer-new"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/order/", customers.customer_order, name="customer-order"),
    path("customers/<int:pk>/release/", customers.customer_release, name="customer-release"),
    path("customers/<int:pk>/resolve/", customers.customer_resolve, name="customer-resolve"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer-edit"),
    path("customers/<int:pk>/withdraw/", customers.customer_withdraw, name="customer-withdraw"),
    # Tenant settings
    path("settings/", config.settings_page, name="settings"),
    path("settings/attachments/<int:pk>/toggle/", config.requirement_toggle, name="requirement-toggle"),
]
