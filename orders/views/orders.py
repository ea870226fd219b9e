"""Orders: the list (filter, sort, page, export), the detail page and its actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from channelhub import approvals, audit, exports, roles
from channelhub.access import tenant_view
from channelhub.forms import add_service_errors
from channelhub.pagination import page_by_ids
from orders import services
from orders.access import get_order_for_user, get_shipment_for_user, visible_orders
from orders.filters import ORDER_SORTS, OrderFilter
from orders.forms import OrderForm, QuantitiesForm, ReasonForm, ReceiveForm, ShipForm, line_formset
from orders.models import Order, OrderStatus, Shipment, ShipmentStatus

PAGE_SIZE = 25


def _query(request, *drop) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


def _orders(request):
    queryset = visible_orders(request).select_related("partner")
    filterset = OrderFilter(request.GET, queryset=queryset)
    sort, fields = ORDER_SORTS.order_by(request.GET.get("sort"))
    return filterset, filterset.qs.order_by(*fields), sort


def _page(request, queryset, sort):
    """The page's ids first (a deep page reads an index, not every order's row); sorted by
    partner, the ids query also names the partners' tenant, so PostgreSQL walks the partners'
    (tenant, name) index — the count leaves that join out."""
    ordered = queryset
    if sort.lstrip("-") == "partner":
        ordered = queryset.filter(partner__tenant=request.tenant)
    rows = Order.objects.select_related("partner")
    return page_by_ids(ordered, rows, request.GET.get("page"), PAGE_SIZE, count_of=queryset)


@never_cache
@tenant_view("orders.view")
def order_list(request):
    filterset, queryset, sort = _orders(request)
    page = _page(request, queryset, sort)
    return render(
        request,
        "orders/orders/list.html",
        {
            "filter": filterset,
            "page": page,
            "headers": ORDER_SORTS.headers(sort, _query(request, "sort", "page")),
            "query": _query(request, "page"),
            "filtered": any(request.GET.get(name) for name in filterset.form.fields),
        },
        status=400 if filterset.form.errors else 200,
    )


@tenant_view("orders.view")
def order_export(request):
    filterset, queryset, _sort = _orders(request)
    if filterset.form.errors:
        messages.error(request, _("The filter has errors; nothing was exported."))
        return redirect(
            f"{reverse('orders:order-list', kwargs={'tenant_slug': request.tenant.slug})}?{_query(request)}"
        )
    rows = (
        [
            order.number,
            order.partner.name,
            order.po_number,
            order.get_status_display(),
            order.total,
            order.wanted_on,
            order.created_at,
            order.confirmed_at,
        ]
        for order in queryset.iterator(chunk_size=2000)
    )
    headers = [
        _("Order number"),
        _("Partner"),
        _("Partner PO number"),
        _("Status"),
        _("Total (CNY)"),
        _("Wanted by"),
        _("Created"),
        _("Confirmed"),
    ]
    return exports.xlsx_response(headers=headers, rows=rows, title=_("Orders"))


@never_cache
@tenant_view("orders.view", model=Order)
def order_detail(request, pk, *, forms=None, status=200):
    order = get_order_for_user(request, pk)
    membership = request.membership
    available = {t.name for t in order.get_available_user_status_transitions(request.user)}
    staff = not membership.is_partner_user
    credit = services.credit_check(order) if staff else None
    lines = list(order.lines.select_related("product"))
    forms = forms or {}
    shipments = list(
        order.shipments.select_related("shipped_by", "received_by").prefetch_related(
            "lines__order_line__product"
        )
    )
    may_receive = roles.can(membership.role, "orders.receive") and membership.partner_id == order.partner_id
    for shipment in shipments:
        if may_receive and shipment.status == ShipmentStatus.IN_TRANSIT:
            shipment.receive_form = forms.get(f"receive_{shipment.pk}") or ReceiveForm(
                shipment_lines=list(shipment.lines.all()), prefix=f"s{shipment.pk}"
            )
    may_ship = bool({"ship_part", "ship_rest"} & available)
    may_change = (
        order.status == OrderStatus.CONFIRMED
        and not shipments
        and roles.can(membership.role, "orders.manage")
    )
    return render(
        request,
        "orders/orders/detail.html",
        {
            "order": order,
            "lines": lines,
            "shipments": shipments,
            "ship_form": (forms.get("ship") or ShipForm(lines=lines, prefix="ship")) if may_ship else None,
            "quantities_form": (forms.get("quantities") or QuantitiesForm(lines=lines, prefix="qty"))
            if may_change
            else None,
            "credit": credit,
            "hold": approvals.pending_request(order, action=services.CREDIT_HOLD) if staff else None,
            "entries": audit.timeline_for(order) if staff else [],
            "may": {
                "submit": "submit" in available,
                "confirm": "confirm" in available,
                "reject": "reject" in available,
                "cancel": bool({"withdraw", "cancel"} & available),
                "copy": roles.can(membership.role, "orders.draft"),
            },
            "forms": {"reject": ReasonForm(prefix="reject"), "cancel": ReasonForm(prefix="cancel"), **forms},
        },
        status=status,
    )


def _to_order(request, order):
    return redirect("orders:order-detail", tenant_slug=request.tenant.slug, pk=order.pk)


def _act(request, pk, act, success):
    """One button's action: the service, then the page (the errors on it, as stored now)."""
    order = get_order_for_user(request, pk)
    try:
        done = act(order)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return order_detail(request, pk, status=400)
    messages.success(request, success(done))
    return _to_order(request, done)


@require_POST
@tenant_view("orders.draft", model=Order)
def order_submit(request, pk):
    def success(order):
        if order.status == "credit_hold":
            return _("Submitted. The order is over the credit limit: finance decides on it first.")
        return _("Submitted: the company confirms it next.")

    return _act(request, pk, lambda order: services.submit_order(order, by=request.user), success)


@require_POST
@tenant_view("orders.manage", model=Order)
def order_confirm(request, pk):
    def success(order):
        if order.status == "credit_hold":
            return _("The partner is over its credit limit now: the order went to credit hold.")
        return _("Confirmed %(number)s.") % {"number": order.number}

    return _act(request, pk, lambda order: services.confirm_order(order, by=request.user), success)


def _with_reason(request, pk, name, act, success):
    order = get_order_for_user(request, pk)
    form = ReasonForm(request.POST, prefix=name)
    if form.is_valid():
        try:
            done = act(order, form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return _to_order(request, done)
    forms = {"reject": ReasonForm(prefix="reject"), "cancel": ReasonForm(prefix="cancel"), name: form}
    return order_detail(request, pk, forms=forms, status=400)


@require_POST
@tenant_view("orders.manage", model=Order)
def order_reject(request, pk):
    return _with_reason(
        request,
        pk,
        "reject",
        lambda o, reason: services.reject_order(o, reason=reason, by=request.user),
        _("Rejected."),
    )


@require_POST
@tenant_view("orders.view", model=Order)
def order_cancel(request, pk):
    return _with_reason(
        request,
        pk,
        "cancel",
        lambda o, reason: services.cancel_order(o, reason=reason, by=request.user),
        _("Cancelled."),
    )


@require_POST
@tenant_view("orders.draft", model=Order)
def order_copy(request, pk):
    order = get_order_for_user(request, pk)
    try:
        copy = services.copy_order(order, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return order_detail(request, pk, status=400)
    messages.success(request, _("Copied into the draft %(number)s.") % {"number": copy.number})
    return _to_order(request, copy)


# --- the order form (a draft: new, or edited before it is submitted) ---------------------------


def _lines_of(formset) -> list:
    return [
        services.LineInput(form.cleaned_data["product"], form.cleaned_data["quantity"])
        for form in formset.forms
        if form.cleaned_data.get("product") is not None
    ]


def _order_form_page(request, form, formset, order=None, status=200):
    return render(
        request,
        "orders/orders/form.html",
        {"form": form, "formset": formset, "order": order},
        status=400 if (form.errors or formset.total_error_count() or status == 400) else 200,
    )


@never_cache
@tenant_view("orders.draft")
def order_create(request):
    membership = request.membership
    form = OrderForm(request.POST or None, membership=membership)
    formset = line_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            order = services.create_order(
                partner=data["partner"] if "partner" in data else membership.partner,
                lines=_lines_of(formset),
                delivery_address=data["delivery_address"],
                wanted_on=data["wanted_on"],
                po_number=data["po_number"],
                remarks=data["remarks"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return _order_form_page(request, form, formset, status=400)
        messages.success(
            request, _("Saved as the draft %(number)s. Check it, then submit it.") % {"number": order.number}
        )
        return _to_order(request, order)
    return _order_form_page(request, form, formset)


@never_cache
@tenant_view("orders.draft", model=Order)
def order_edit(request, pk):
    order = get_order_for_user(request, pk)
    if order.status != "draft":
        messages.error(request, _("Only a draft can be edited."))
        return _to_order(request, order)
    membership = request.membership
    initial = {
        "partner": order.partner_id,
        "delivery_address": order.delivery_address,
        "wanted_on": order.wanted_on,
        "po_number": order.po_number,
        "remarks": order.remarks,
    }
    form = OrderForm(request.POST or None, membership=membership, initial=initial)
    if "partner" in form.fields:
        form.fields["partner"].disabled = True  # another partner's order is another order
    lines = [{"product": line.product_id, "quantity": line.quantity} for line in order.lines.all()]
    formset = line_formset(request.POST or None, initial=lines)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            services.update_draft(
                order,
                lines=_lines_of(formset),
                delivery_address=data["delivery_address"],
                wanted_on=data["wanted_on"],
                po_number=data["po_number"],
                remarks=data["remarks"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return _order_form_page(request, form, formset, order, status=400)
        messages.success(request, _("Saved."))
        return _to_order(request, order)
    return _order_form_page(request, form, formset, order)


# --- shipping and receipt ---------------------------------------------------------------------


@require_POST
@tenant_view("orders.ship", model=Order)
def order_ship(request, pk):
    order = get_order_for_user(request, pk)
    form = ShipForm(request.POST, lines=list(order.lines.select_related("product")), prefix="ship")
    if form.is_valid():
        try:
            shipment = services.ship_order(
                order,
                quantities=form.quantities(),
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
                shipped_on=form.cleaned_data["shipped_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Shipped as %(number)s; the partner confirms receipt.") % {"number": shipment.number},
            )
            return _to_order(request, order)
    return order_detail(request, pk, forms={"ship": form}, status=400)


@require_POST
@tenant_view("orders.manage", model=Order)
def order_quantities(request, pk):
    order = get_order_for_user(request, pk)
    form = QuantitiesForm(request.POST, lines=list(order.lines.select_related("product")), prefix="qty")
    if form.is_valid():
        try:
            changed = services.edit_confirmed_lines(
                order, quantities=form.quantities(), reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if changed.status == OrderStatus.CREDIT_HOLD:
                messages.warning(
                    request, _("Quantities changed: the order is over the credit limit and on credit hold.")
                )
            else:
                messages.success(request, _("Quantities changed."))
            return _to_order(request, order)
    return order_detail(request, pk, forms={"quantities": form}, status=400)


@require_POST
@tenant_view("orders.receive", model=Shipment)
def shipment_receive(request, pk):
    shipment = get_shipment_for_user(request, pk)
    form = ReceiveForm(request.POST, shipment_lines=list(shipment.lines.select_related("order_line__product")),
                       prefix=f"s{shipment.pk}")  # fmt: skip
    if form.is_valid():
        try:
            services.receive_shipment(
                shipment,
                received=form.received(),
                damaged=form.damaged(),
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Receipt confirmed: what arrived is in your stock."))
            return _to_order(request, shipment.order)
    return order_detail(request, shipment.order_id, forms={f"receive_{shipment.pk}": form}, status=400)


# --- documents (in Chinese, as the parties file them) -------------------------------------------


def _pdf(request, *, order, rows, title, filename, shipment=None):
    from django.http import HttpResponse
    from django.utils import timezone

    from channelhub.documents import render_pdf

    context = {"order": order, "rows": rows, "shipment": shipment, "title": title, "tenant": request.tenant,
               "generated_at": timezone.localtime()}  # fmt: skip
    pdf = render_pdf("orders/orders/confirmation_pdf.html", context, language="zh-hans")
    response = HttpResponse(pdf, content_type="application/pdf")
    return exports.attachment(response, exports.download_name(filename, "pdf"), inline=True)


@tenant_view("orders.view", model=Order)
def order_confirmation_pdf(request, pk):
    from django.http import Http404
    from django.utils import translation

    order = get_order_for_user(request, pk)
    if order.confirmed_at is None or order.status in ("cancelled", "rejected"):
        raise Http404("an order is confirmed before it has a confirmation")
    rows = [
        {"sku": line.product.sku, "name": line.product.name, "spec": line.product.spec, "quantity": line.quantity,
         "unit": line.product.get_unit_display(), "unit_price": line.unit_price, "amount": line.amount}
        for line in order.lines.select_related("product")
    ]  # fmt: skip
    with translation.override("zh-hans"):
        rows = [{**row, "unit": str(row["unit"])} for row in rows]
        title = _("Order confirmation")
    return _pdf(request, order=order, rows=rows, title=title, filename=order.number)


@tenant_view("orders.view", model=Shipment)
def delivery_note_pdf(request, pk):
    from django.utils import translation

    shipment = get_shipment_for_user(request, pk)
    with translation.override("zh-hans"):
        rows = [
            {"sku": line.order_line.product.sku, "name": line.order_line.product.name,
             "spec": line.order_line.product.spec, "quantity": line.quantity,
             "unit": str(line.order_line.product.get_unit_display())}
            for line in shipment.lines.select_related("order_line__product")
        ]  # fmt: skip
        title = _("Delivery note")
    return _pdf(
        request, order=shipment.order, rows=rows, title=title, filename=shipment.number, shipment=shipment
    )
