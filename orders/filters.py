"""The catalogue list's filter and sort columns."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from channelhub.sorting import Sorts
from channelhub.widgets import Select, TextInput
from orders.forms import categories_queryset, category_sort_key
from orders.models import Order, OrderStatus, Product, ProductLine, ProductStatus

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
        return queryset.filter(
            Q(number__icontains=value) | Q(po_number__icontains=value) | Q(partner__name__icontains=value)
        )
