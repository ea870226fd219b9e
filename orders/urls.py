from django.urls import path

from orders.views import catalogue, imports, orders

app_name = "orders"

urlpatterns = [
    path("products/", catalogue.product_list, name="product-list"),
    path("products/export/", catalogue.product_export, name="product-export"),
    path("products/new/", catalogue.product_create, name="product-create"),
    path("products/import/", imports.product_import, name="product-import"),
    path("products/import/template/", imports.product_import_template, name="product-import-template"),
    path("products/import/<int:pk>/", imports.product_import_preview, name="product-import-preview"),
    path("products/<int:pk>/", catalogue.product_detail, name="product-detail"),
    path("products/<int:pk>/edit/", catalogue.product_edit, name="product-edit"),
    path("products/<int:pk>/discontinue/", catalogue.product_discontinue, name="product-discontinue"),
    path("products/<int:pk>/reinstate/", catalogue.product_reinstate, name="product-reinstate"),
    path("", orders.order_list, name="order-list"),
    path("export/", orders.order_export, name="order-export"),
    path("new/", orders.order_create, name="order-create"),
    path("<int:pk>/edit/", orders.order_edit, name="order-edit"),
    path("<int:pk>/", orders.order_detail, name="order-detail"),
    path("<int:pk>/submit/", orders.order_submit, name="order-submit"),
    path("<int:pk>/confirm/", orders.order_confirm, name="order-confirm"),
    path("<int:pk>/reject/", orders.order_reject, name="order-reject"),
    path("<int:pk>/cancel/", orders.order_cancel, name="order-cancel"),
    path("<int:pk>/copy/", orders.order_copy, name="order-copy"),
    path("<int:pk>/ship/", orders.order_ship, name="order-ship"),
    path("shipments/<int:pk>/receive/", orders.shipment_receive, name="shipment-receive"),
    path("<int:pk>/confirmation.pdf", orders.order_confirmation_pdf, name="order-confirmation-pdf"),
    path("shipments/<int:pk>/delivery-note.pdf", orders.delivery_note_pdf, name="delivery-note-pdf"),
    path("categories/", catalogue.category_list, name="category-list"),
    path("categories/<int:pk>/", catalogue.category_edit, name="category-edit"),
    path("lines/", catalogue.line_list, name="line-list"),
    path("lines/<int:pk>/", catalogue.line_edit, name="line-edit"),
]
