"""Stock and sell-out reports (form and Excel upload), the monitoring page with its
replenishment suggestions, one partner × SKU's stock card, and the company's demand view."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from channelhub import audit, exports, periods
from channelhub.access import get_for_tenant_or_404, restrict_to_partner, tenant_view
from channelhub.forms import SpreadsheetUploadForm, add_service_errors
from channelhub.pagination import page_by_ids
from channelhub.views.imports import ImportPages, preview_page, template_download, upload_page
from orders import report_import, services
from orders.filters import POSITION_SORTS, REPORT_SORTS, PositionFilter, ReportFilter
from orders.forms import OrderSettingsForm, SellOutHeaderForm, StockReportForm, sell_out_formset
from orders.models import (
    OPEN,
    InventoryImport,
    InventoryReport,
    OrderLine,
    Product,
    ReportDue,
    ReportKind,
    SellOutLine,
    StockCount,
    StockMovement,
    StockPosition,
    StockStatus,
)
from orders.views.orders import PAGE_SIZE, _query
from partners.models import Region

LINES_PAGE_SIZE = 100


# --- monitoring --------------------------------------------------------------------------------


def _positions(request):
    queryset = restrict_to_partner(request, StockPosition.objects.all()).select_related(
        "partner", "product__line"
    )
    filterset = PositionFilter(request.GET, queryset=queryset, request=request)
    sort, fields = POSITION_SORTS.order_by(request.GET.get("sort"))
    return filterset, filterset.qs.order_by(*fields), sort


@never_cache
@tenant_view("inventory.view")
def stock(request):
    filterset, queryset, sort = _positions(request)
    ordered = queryset
    if sort.lstrip("-") == "partner":  # lets PostgreSQL walk the partners' (tenant, name) index
        ordered = queryset.filter(partner__tenant=request.tenant)
    rows = StockPosition.objects.select_related("partner", "product__line")
    page = page_by_ids(ordered, rows, request.GET.get("page"), PAGE_SIZE, count_of=queryset)
    counted = dict(
        filterset.qs.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    membership = request.membership
    overdue = None
    if not membership.is_partner_user:
        overdue = ReportDue.objects.filter(overdue_at__isnull=False, reported_at__isnull=True).count()
    return render(
        request,
        "orders/inventory/stock.html",
        {
            "filter": filterset,
            "page": page,
            "headers": POSITION_SORTS.headers(
                sort,
                _query(request, "sort", "page"),
                [key for key in POSITION_SORTS.columns if key != "partner" or not membership.is_partner_user],
            ),
            "query": _query(request, "page"),
            "filtered": any(request.GET.get(name) for name in filterset.form.fields),
            "statuses": [(value, label, counted.get(value, 0)) for value, label in StockStatus.choices],
            "overdue": overdue,
            "window": services.get_settings().sell_out_window_days,
            "may_replenish": membership.is_partner_user and membership.partner_id is not None,
        },
        status=400 if filterset.form.errors else 200,
    )


@tenant_view("inventory.view")
def stock_export(request):
    filterset, queryset, _sort = _positions(request)
    rows = (
        [
            position.partner.name,
            position.product.sku,
            position.product.name,
            position.product.line.name,
            position.on_hand,
            position.in_transit,
            round(position.avg_daily, 2),
            None if position.days_of_cover is None else round(position.days_of_cover, 1),
            position.get_status_display(),
            position.suggested_quantity,
            position.last_counted_on,
            position.computed_on,
        ]
        for position in queryset.iterator(chunk_size=2000)
    )
    headers = [
        _("Partner"),
        _("SKU code"),
        _("Product"),
        _("Product line"),
        _("On hand"),
        _("In transit"),
        _("Average daily sell-out"),
        _("Days of cover"),
        _("Status"),
        _("Suggested order"),
        _("Last counted"),
        _("Figures changed"),
    ]
    return exports.xlsx_response(headers=headers, rows=rows, title=_("Stock monitoring"))


@never_cache
@tenant_view("inventory.view", model=StockPosition)
def stock_card(request, pk):
    """One partner × SKU: the figures, the counts with their variance, receipts and sell-out."""
    position = get_for_tenant_or_404(
        restrict_to_partner(request, StockPosition.objects.select_related("partner", "product__line")), pk=pk
    )
    pair = {"partner_id": position.partner_id, "product_id": position.product_id}
    since = periods.today() - timedelta(days=365)
    sold_by_month = (
        SellOutLine.objects.filter(**pair, sold_on__gt=since)
        .values_list("sold_on__year", "sold_on__month")
        .annotate(quantity=Sum("quantity"))
        .order_by("-sold_on__year", "-sold_on__month")
    )
    return render(
        request,
        "orders/inventory/stock_card.html",
        {
            "position": position,
            "counts": StockCount.objects.filter(**pair).select_related("report").order_by("-counted_on")[:12],
            "movements": StockMovement.objects.filter(**pair).order_by("-moved_on", "-pk")[:12],
            "sold_by_month": [(f"{year}-{month:02d}", quantity) for year, month, quantity in sold_by_month],
            "window": services.get_settings().sell_out_window_days,
        },
    )


@require_POST
@tenant_view("inventory.report")
def stock_replenish(request):
    """The partner's suggestions (those ticked, or all) as a new draft order."""
    chosen = [int(pk) for pk in request.POST.getlist("product") if pk.isdigit()] or None
    try:
        order = services.draft_from_suggestions(
            request.membership.partner, by=request.user, product_ids=chosen
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("orders:stock", tenant_slug=request.tenant.slug)
    messages.success(
        request, _("Saved as the draft %(number)s. Check it, then submit it.") % {"number": order.number}
    )
    return redirect("orders:order-detail", tenant_slug=request.tenant.slug, pk=order.pk)


@never_cache
@tenant_view("inventory.plan")
def demand(request):
    """Demand by SKU and province for the next N weeks: what partners should order now (the
    suggestions), what they sell meanwhile at their current pace, and what is on order and
    not shipped yet."""
    weeks = _weeks(request)
    rows = _demand_rows(weeks)
    return render(
        request,
        "orders/inventory/demand.html",
        {
            "weeks": weeks,
            "rows": rows,
            "choices": (4, 8, 12, 26),
            "totals": {
                key: sum(row[key] for row in rows)
                for key in ("open_orders", "suggested", "run_rate", "total")
            },
        },
    )


@tenant_view("inventory.plan")
def demand_export(request):
    weeks = _weeks(request)
    headers = [
        _("SKU code"),
        _("Product"),
        _("Province"),
        _("Open orders"),
        _("Suggested replenishment"),
        _("Sell-out over %(weeks)s weeks") % {"weeks": weeks},
        _("Demand"),
    ]
    rows = (
        [
            row["sku"],
            row["name"],
            row["province"],
            row["open_orders"],
            row["suggested"],
            row["run_rate"],
            row["total"],
        ]
        for row in _demand_rows(weeks)
    )
    return exports.xlsx_response(headers=headers, rows=rows, title=_("Demand"))


def _weeks(request) -> int:
    try:
        return max(1, min(52, int(request.GET.get("weeks", 8))))
    except ValueError:
        return 8


def _demand_rows(weeks: int) -> list[dict]:
    """Three grouped queries (no loop over partners): suggestions and run rate from the
    snapshot, unshipped quantities of open orders; the province is the partner's territory's."""
    province_of = _provinces()
    days = weeks * 7
    demand: dict = {}

    def row(product_id, region_id):
        key = (product_id, province_of.get(region_id, ""))
        return demand.setdefault(key, {"open_orders": 0, "suggested": 0, "run_rate": 0})

    for product_id, region_id, suggested, avg in (
        StockPosition.objects.values_list("product_id", "partner__region_id")
        .annotate(s=Sum("suggested_quantity"), a=Sum("avg_daily"))
        .values_list("product_id", "partner__region_id", "s", "a")
    ):
        entry = row(product_id, region_id)
        entry["suggested"] += suggested or 0
        entry["run_rate"] += round((avg or 0) * days)
    for product_id, region_id, ordered, shipped in (
        OrderLine.objects.filter(order__status__in=OPEN, product__is_service=False)
        .values_list("product_id", "order__partner__region_id")
        .annotate(q=Sum("quantity"), s=Sum("shipped_quantity"))
        .values_list("product_id", "order__partner__region_id", "q", "s")
    ):
        row(product_id, region_id)["open_orders"] += (ordered or 0) - (shipped or 0)
    products = {p.pk: p for p in Product.objects.filter(pk__in={key[0] for key in demand})}
    rows = []
    for (product_id, province), entry in demand.items():
        total = entry["open_orders"] + entry["suggested"] + entry["run_rate"]
        if total:
            product = products[product_id]
            rows.append(
                {"sku": product.sku, "name": product.name, "province": province, **entry, "total": total}
            )
    return sorted(rows, key=lambda r: (r["sku"], -r["total"], r["province"]))


def _provinces() -> dict:
    """region id → the name of its province (one query over the region tree)."""
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    names = dict(Region.objects.filter(parent__isnull=True).values_list("pk", "name"))
    found = {}
    for pk in parents:
        node = pk
        while parents.get(node):
            node = parents[node]
        found[pk] = names.get(node, "")
    return found


# --- reports -----------------------------------------------------------------------------------


def _reports(request):
    queryset = restrict_to_partner(request, InventoryReport.objects.all()).select_related(
        "partner", "created_by"
    )
    filterset = ReportFilter(request.GET, queryset=queryset, request=request)
    sort, fields = REPORT_SORTS.order_by(request.GET.get("sort"))
    return filterset, filterset.qs.order_by(*fields), sort


@never_cache
@tenant_view("inventory.view")
def report_list(request):
    filterset, queryset, sort = _reports(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    membership = request.membership
    dues = restrict_to_partner(request, ReportDue.objects.select_related("partner")).filter(
        Q(overdue_at__isnull=False) | Q(reminded_at__isnull=False), reported_at__isnull=True
    )
    return render(
        request,
        "orders/inventory/reports.html",
        {
            "filter": filterset,
            "page": page,
            "headers": REPORT_SORTS.headers(sort, _query(request, "sort", "page")),
            "query": _query(request, "page"),
            "filtered": any(request.GET.get(name) for name in filterset.form.fields),
            "dues": dues.order_by("due_on", "partner__name")[:20],
            "dues_count": dues.count(),
            "may_report": membership.is_partner_user,
            "cycle": services.get_settings(),
        },
        status=400 if filterset.form.errors else 200,
    )


@tenant_view("inventory.view")
def report_export(request):
    filterset, queryset, _sort = _reports(request)
    rows = (
        [
            report.get_kind_display(),
            report.partner.name,
            report.first_day,
            report.last_day,
            report.line_count,
            report.total_quantity,
            report.total_value if report.kind == ReportKind.SELL_OUT else None,
            report.get_source_display(),
            report.created_by.get_full_name() or report.created_by.email,
            report.created_at,
        ]
        for report in queryset.iterator(chunk_size=2000)
    )
    headers = [
        _("Kind"),
        _("Partner"),
        _("From"),
        _("To"),
        _("Line count"),
        _("Quantity"),
        _("Value (CNY)"),
        _("Reported by"),
        _("Submitted by"),
        _("Submitted"),
    ]
    return exports.xlsx_response(headers=headers, rows=rows, title=_("Inventory reports"))


def _get_report(request, pk) -> InventoryReport:
    return get_for_tenant_or_404(
        restrict_to_partner(
            request, InventoryReport.objects.select_related("partner", "created_by", "upload__file")
        ),
        pk=pk,
    )


def _report_lines(report):
    if report.kind == ReportKind.STOCK:
        return StockCount.objects.filter(report=report).select_related("product").order_by("product__sku")
    return (
        SellOutLine.objects.filter(report=report)
        .select_related("product", "region__parent__parent")
        .order_by("sold_on", "pk")
    )


@never_cache
@tenant_view("inventory.view", model=InventoryReport)
def report_detail(request, pk):
    report = _get_report(request, pk)
    page = Paginator(_report_lines(report), LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/inventory/report_detail.html",
        {"report": report, "page": page, "query": "", "entries": audit.timeline_for(report)},
    )


@tenant_view("inventory.view", model=InventoryReport)
def report_lines_export(request, pk):
    report = _get_report(request, pk)
    lines = _report_lines(report).iterator(chunk_size=2000)
    if report.kind == ReportKind.STOCK:
        headers = [_("Count date"), _("SKU code"), _("Product"), _("On hand"), _("Book stock"), _("Variance")]
        rows = (
            [c.counted_on, c.product.sku, c.product.name, c.quantity, c.book_quantity, c.variance]
            for c in lines
        )
    else:
        headers = [
            _("Sale date"),
            _("SKU code"),
            _("Product"),
            _("Quantity"),
            _("Unit price (CNY)"),
            _("Customer region"),
            _("Customer"),
            _("Document number"),
        ]
        rows = (
            [
                s.sold_on,
                s.product.sku,
                s.product.name,
                s.quantity,
                s.unit_price,
                s.region.path,
                s.customer,
                s.reference,
            ]
            for s in lines
        )
    return exports.xlsx_response(headers=headers, rows=rows, title=str(report))


@never_cache
@tenant_view("inventory.report")
def stock_report_create(request):
    partner = request.membership.partner
    today = periods.today()
    products = list(Product.objects.filter(is_service=False, status="active").order_by("sku"))
    form = StockReportForm(request.POST or None, products=products, book=services.book_stock(partner, today))
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_stock(
                partner=partner,
                counted_on=form.cleaned_data["counted_on"],
                quantities=form.quantities(),
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if report is None:
                messages.info(request, _("These counts were reported already: nothing changed."))
                return redirect("orders:report-list", tenant_slug=request.tenant.slug)
            messages.success(request, _("Stock report saved."))
            return redirect("orders:report-detail", tenant_slug=request.tenant.slug, pk=report.pk)
    return render(
        request, "orders/inventory/stock_form.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
@tenant_view("inventory.report")
def sell_out_report_create(request):
    partner = request.membership.partner
    regions = Region.objects.filter(is_active=True).select_related("parent__parent").order_by("level", "name")
    form = SellOutHeaderForm(request.POST or None)
    formset = sell_out_formset(request.POST or None, regions=regions, default_region=partner.region_id)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        sales = [
            services.SaleInput(
                product=line.cleaned_data["product"],
                sold_on=line.cleaned_data["sold_on"],
                quantity=line.cleaned_data["quantity"],
                unit_price=line.cleaned_data["unit_price"],
                region=line.cleaned_data["region"],
                customer=line.cleaned_data.get("customer", ""),
            )  # fmt: skip
            for line in formset
            if line.has_input()
        ]
        try:
            report = services.report_sell_out(
                partner=partner, sales=sales, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Sell-out report saved."))
            return redirect("orders:report-detail", tenant_slug=request.tenant.slug, pk=report.pk)
    status = 400 if form.errors or (request.method == "POST" and not formset.is_valid()) else 200
    return render(
        request, "orders/inventory/sell_out_form.html", {"form": form, "formset": formset}, status=status
    )


# --- Excel uploads -----------------------------------------------------------------------------


def _pages(kind: str) -> ImportPages:
    stock_kind = kind == ReportKind.STOCK
    return ImportPages(
        importer=report_import.IMPORTERS[kind],
        upload_template="orders/inventory/import_upload.html",
        preview_template="orders/inventory/import_preview.html",
        title=gettext_lazy("Upload a stock report")
        if stock_kind
        else gettext_lazy("Upload a sell-out report"),
        list_url_name="orders:report-list",
        list_label=gettext_lazy("Stock and sell-out reports"),
        upload_url_name="orders:stock-report-import" if stock_kind else "orders:sell-out-import",
        preview_url_name="orders:report-import-preview",
        template_url_name="orders:stock-report-template" if stock_kind else "orders:sell-out-template",
        key_columns=("counted_on", "sku") if stock_kind else ("sold_on", "sku"),
        field_labels={},
        upload_form=SpreadsheetUploadForm,
    )


@tenant_view("inventory.report")
def stock_report_import(request):
    return upload_page(request, _pages(ReportKind.STOCK))


@tenant_view("inventory.report")
def sell_out_import(request):
    return upload_page(request, _pages(ReportKind.SELL_OUT))


@tenant_view("inventory.report")
def stock_report_template(request):
    return template_download(report_import.template_workbook(ReportKind.STOCK), _("Stock report template"))


@tenant_view("inventory.report")
def sell_out_template(request):
    return template_download(
        report_import.template_workbook(ReportKind.SELL_OUT), _("Sell-out report template")
    )


@tenant_view("inventory.report", model=InventoryImport)
def report_import_preview(request, pk):
    upload = get_for_tenant_or_404(
        restrict_to_partner(request, InventoryImport.objects.select_related("file", "created_by")), pk=pk
    )
    return preview_page(request, _pages(upload.kind), upload)


@never_cache
@tenant_view("tenant.configure")
def order_settings(request):
    current = services.get_settings()
    form = OrderSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Order and reporting settings saved."))
            return redirect("orders:settings", tenant_slug=request.tenant.slug)
    return render(
        request,
        "orders/inventory/settings.html",
        {"form": form, "entries": audit.timeline_for(current)},
        status=400 if form.errors else 200,
    )
