"""The catalogue list's filter and sort columns."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from channelhub.sorting import Sorts
from channelhub.widgets import Select, TextInput
from orders.forms import categories_queryset, category_sort_key
from orders.models import (
    InventoryReport,
    Order,
    OrderStatus,
    Product,
    ProductLine,
    ProductStatus,
    ReportKind,
    ReportSource,
    StockPosition,
    StockStatus,
)

PRODUCT_SORTS = Sorts(
    {
        "sku": (_("SKU code"), ("sku", "pk")),
        "name": (pgettext_lazy("name of a thing", "Name"), ("name", "sku", "pk")),
        "category": (_("Category"), ("category__position", "category__name", "sku", "pk")),
        "line": (_("Product line"), ("line__code", "sku", "pk")),
        "pack": (_("Pack multiple"), ("pack_multiple", "sku", "pk")),
        "price": (_("List price"), ("list_price", "sku", "pk")),
        "status": (_("Status"), ("status", "sku", "pk")),
    },
    default="sku",
    end=("pack", "price"),
)


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=TextInput(attrs={"placeholder": _("SKU code, name or specification")}),
    )
    category = django_filters.ChoiceFilter(label=_("Category"), method="in_category", widget=Select)
    line = django_filters.ChoiceFilter(label=_("Product line"), widget=Select)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProductStatus.choices, widget=Select)

    class Meta:
        model = Product
        fields = ["q", "category", "line", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = sorted(categories_queryset(), key=category_sort_key)
        self.filters["category"].extra["choices"] = [(c.pk, c.path) for c in categories]
        self.filters["line"].extra["choices"] = [(line.pk, str(line)) for line in ProductLine.objects.all()]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(sku__icontains=value) | Q(name__icontains=value) | Q(spec__icontains=value))

    def in_category(self, queryset, name, value):
        return queryset.filter(
            Q(category=value) | Q(category__parent=value) | Q(category__parent__parent=value)
        )


NAMED_PARTNERS = 500  # more partners named by a search: the plain join

ORDER_SORTS = Sorts(
    {
        "number": (_("Order number"), ("number", "pk")),
        "partner": (_("Partner"), ("partner__name", "number", "pk")),
        "status": (_("Status"), ("status", "number", "pk")),
        "total": (_("Total"), ("total", "number", "pk")),
        "created": (_("Created"), ("created_at", "pk")),
    },
    default="-created",
    end=("total",),
)


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=TextInput(attrs={"placeholder": _("Order number, PO number or partner")}),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrderStatus.choices, widget=Select)

    class Meta:
        model = Order
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The partners whose name matches, looked up first: an OR across the two tables made
        # PostgreSQL join every order to its partner (benchmarks/orders.py, 400,000 orders).
        from partners.models import Partner

        named = list(
            Partner.objects.filter(name__icontains=value).values_list("pk", flat=True)[: NAMED_PARTNERS + 1]
        )
        by_partner = (
            Q(partner_id__in=named) if len(named) <= NAMED_PARTNERS else Q(partner__name__icontains=value)
        )
        return queryset.filter(Q(number__icontains=value) | Q(po_number__icontains=value) | by_partner)


# --- inventory ---------------------------------------------------------------------------------

POSITION_SORTS = Sorts(
    {
        "partner": (_("Partner"), ("partner__name", "product__sku", "pk")),
        "sku": (_("SKU code"), ("product__sku", "partner__name", "pk")),
        "on_hand": (_("On hand"), ("on_hand", "pk")),
        "in_transit": (_("In transit"), ("in_transit", "pk")),
        "avg": (_("Daily sell-out"), ("avg_daily", "pk")),
        "cover": (_("Days of cover"), ("days_of_cover", "pk")),
        "status": (_("Status"), ("status", "days_of_cover", "pk")),
        "suggested": (_("Suggested order"), ("suggested_quantity", "pk")),
    },
    default="cover",
    end=("on_hand", "in_transit", "avg", "cover", "suggested"),
)


def _partner_filter(filterset, membership) -> None:
    """Staff pick a partner (searched as they type); partner users see only their own."""
    from channelhub.pickers import picker_for
    from partners.models import Partner

    if membership is None or membership.is_partner_user:
        del filterset.filters["partner"]
    else:
        filterset.filters["partner"].queryset = Partner.objects.order_by("name")
        filterset.filters["partner"].extra["widget"] = picker_for(Partner, all=1)


class PositionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=TextInput(attrs={"placeholder": _("SKU code or product name")}),
    )
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=None)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=StockStatus.choices, widget=Select)
    line = django_filters.ChoiceFilter(label=_("Product line"), field_name="product__line", widget=Select)
    to_order = django_filters.BooleanFilter(
        label=_("With a suggestion only"),
        method="only_to_order",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = StockPosition
        fields = []

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        _partner_filter(self, request.membership)
        self.filters["line"].extra["choices"] = [(line.pk, str(line)) for line in ProductLine.objects.all()]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(product__sku__icontains=value) | Q(product__name__icontains=value))

    def only_to_order(self, queryset, name, value):
        return queryset.filter(suggested_quantity__gt=0) if value else queryset


REPORT_SORTS = Sorts(
    {
        "kind": (_("Kind"), ("kind", "-created_at", "pk")),
        "partner": (_("Partner"), ("partner__name", "-created_at", "pk")),
        "period": (_("Dates"), ("last_day", "first_day", "pk")),
        "lines": (_("Line count"), ("line_count", "pk")),
        "quantity": (_("Quantity"), ("total_quantity", "pk")),
        "created": (_("Submitted"), ("created_at", "pk")),
    },
    default="-created",
    end=("lines", "quantity"),
)


class ReportFilter(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=None)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReportKind.choices, widget=Select)
    source = django_filters.ChoiceFilter(label=_("Reported by"), choices=ReportSource.choices, widget=Select)
    since = django_filters.DateFilter(
        label=_("Dated from"),
        field_name="last_day",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("Dated to"),
        field_name="first_day",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = InventoryReport
        fields = []

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        _partner_filter(self, request.membership)
