"""The catalogue: products (list, export, detail, create, edit, discontinue), categories, lines."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from channelhub import audit, exports
from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.forms import add_service_errors
from orders import services
from orders.access import get_product_for_user, visible_products
from orders.filters import PRODUCT_SORTS, ProductFilter
from orders.forms import (
    CategoryForm,
    DiscontinueForm,
    ProductForm,
    ProductLineForm,
    categories_queryset,
    category_sort_key,
)
from orders.models import Product, ProductCategory, ProductLine

PAGE_SIZE = 25


def _query(request, *drop) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


def _products(request):
    queryset = visible_products(request).select_related("category__parent__parent", "line")
    filterset = ProductFilter(request.GET, queryset=queryset)
    sort, fields = PRODUCT_SORTS.order_by(request.GET.get("sort"))
    return filterset, filterset.qs.order_by(*fields), sort


@never_cache
@tenant_view("catalogue.view")
def product_list(request):
    filterset, queryset, sort = _products(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/products/list.html",
        {
            "filter": filterset,
            "page": page,
            "headers": PRODUCT_SORTS.headers(sort, _query(request, "sort", "page")),
            "query": _query(request, "page"),
            "filtered": any(request.GET.get(name) for name in filterset.form.fields),
        },
        status=400 if filterset.form.errors else 200,
    )


@tenant_view("catalogue.export")
def product_export(request):
    filterset, queryset, _sort = _products(request)
    if filterset.form.errors:
        messages.error(request, _("The filter has errors; nothing was exported."))
        return redirect(
            f"{reverse('orders:product-list', kwargs={'tenant_slug': request.tenant.slug})}?{_query(request)}"
        )
    yes, no = _("yes"), _("no")
    rows = (
        [
            product.sku,
            product.name,
            product.spec,
            product.get_unit_display(),
            product.pack_multiple,
            product.category.path,
            product.line.code,
            product.line.name,
            yes if product.is_service else no,
            product.list_price,
            product.weight_kg,
            product.volume_m3,
            product.get_status_display(),
        ]
        for product in queryset.iterator(chunk_size=2000)
    )
    return exports.xlsx_response(headers=export_headers(), rows=rows, title=_("Products"))


def export_headers() -> list[str]:
    """The export's columns; the importer reads the same headers back."""
    return [
        _("SKU code"),
        pgettext("name of a thing", "Name"),
        _("Specification"),
        _("Unit"),
        _("Pack multiple"),
        _("Category"),
        _("Product line code"),
        _("Product line"),
        _("Service"),
        _("List price (CNY)"),
        _("Weight (kg)"),
        _("Volume (m³)"),
        _("Status"),
    ]


@never_cache
@tenant_view("catalogue.view", model=Product)
def product_detail(request, pk, *, discontinue_form=None, status=200):
    product = get_product_for_user(request, pk)
    staff = not request.membership.is_partner_user
    actions = {t.name for t in product.get_available_user_status_transitions(request.user)}
    return render(
        request,
        "orders/products/detail.html",
        {
            "product": product,
            "entries": audit.timeline_for(product) if staff else [],
            "discontinue_form": discontinue_form or DiscontinueForm(),
            "may_discontinue": "discontinue" in actions,
            "may_reinstate": "reinstate" in actions,
        },
        status=status,
    )


def _to_product(request, product):
    return redirect("orders:product-detail", tenant_slug=request.tenant.slug, pk=product.pk)


@never_cache
@tenant_view("catalogue.manage")
def product_create(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added %(product)s to the catalogue.") % {"product": product})
            return _to_product(request, product)
    return render(request, "orders/products/form.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@tenant_view("catalogue.manage", model=Product)
def product_edit(request, pk):
    product = get_product_for_user(request, pk)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_product(product, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return _to_product(request, product)
    return render(
        request,
        "orders/products/form.html",
        {"form": form, "product": product},
        status=400 if form.errors else 200,
    )


@require_POST
@tenant_view("catalogue.manage", model=Product)
def product_discontinue(request, pk):
    product = get_product_for_user(request, pk)
    form = DiscontinueForm(request.POST)
    if form.is_valid():
        try:
            services.discontinue_product(product, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Discontinued: it can no longer be ordered."))
            return _to_product(request, product)
    return product_detail(request, pk, discontinue_form=form, status=400)


@require_POST
@tenant_view("catalogue.manage", model=Product)
def product_reinstate(request, pk):
    product = get_product_for_user(request, pk)
    try:
        services.reinstate_product(product, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return product_detail(request, pk, status=400)
    messages.success(request, _("Back in the catalogue: it can be ordered again."))
    return _to_product(request, product)


# --- categories and product lines ----------------------------------------------------------


@tenant_view("catalogue.manage")
def category_list(request):
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.save_category(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": category.path})
            return redirect("orders:category-list", tenant_slug=request.tenant.slug)
    counts = dict(Product.objects.values_list("category").annotate(n=Count("pk")).order_by())
    categories = sorted(categories_queryset(), key=category_sort_key)
    for category in categories:
        category.product_count = counts.get(category.pk, 0)
    return render(
        request,
        "orders/categories.html",
        {"form": form, "categories": categories},
        status=400 if form.errors else 200,
    )


@tenant_view("catalogue.manage", model=ProductCategory)
def category_edit(request, pk):
    category = get_for_tenant_or_404(categories_queryset(), pk=pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(data=form.cleaned_data, by=request.user, category=category)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": category.path})
            return redirect("orders:category-list", tenant_slug=request.tenant.slug)
    return render(
        request, "orders/setting_edit.html", {"form": form, "object": category, "kind": "category"},
        status=400 if form.errors else 200,
    )  # fmt: skip


@tenant_view("catalogue.manage")
def line_list(request):
    form = ProductLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.save_line(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": line.name})
            return redirect("orders:line-list", tenant_slug=request.tenant.slug)
    lines = list(ProductLine.objects.annotate(product_count=Count("products")))
    return render(
        request, "orders/lines.html", {"form": form, "lines": lines}, status=400 if form.errors else 200
    )


@tenant_view("catalogue.manage", model=ProductLine)
def line_edit(request, pk):
    line = get_for_tenant_or_404(ProductLine.objects.all(), pk=pk)
    form = ProductLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_line(data=form.cleaned_data, by=request.user, line=line)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": line.name})
            return redirect("orders:line-list", tenant_slug=request.tenant.slug)
    return render(
        request, "orders/setting_edit.html", {"form": form, "object": line, "kind": "line"},
        status=400 if form.errors else 200,
    )  # fmt: skip
