"""The partner list's filters (django-filter) and its sort orders."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from partners.forms import OwnerChoiceField, RegionChoiceField, regions_queryset
from partners.models import ChannelType, Partner, PartnerStatus, Tier
from partners.services import owner_choices


class RegionFilter(django_filters.ModelChoiceFilter):
    field_class = RegionChoiceField


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerChoiceField


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, credit code or legal representative")}),
    )
    channel_type = django_filters.ChoiceFilter(label=_("Channel type"), choices=ChannelType.choices)
    tier = django_filters.ModelChoiceFilter(label=_("Tier"), queryset=lambda request: Tier.objects.all())
    region = RegionFilter(
        label=_("Territory"), queryset=lambda request: regions_queryset(), method="in_region"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PartnerStatus.choices)
    owner = OwnerFilter(label=_("Channel manager"), queryset=lambda request: owner_choices())

    class Meta:
        model = Partner
        fields = ["q", "channel_type", "tier", "region", "status", "owner"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(credit_code__icontains=value.upper())
            | Q(legal_representative__icontains=value)
        )

    def in_region(self, queryset, name, value):
        """The region and everything inside it (the tree is three levels deep)."""
        return queryset.filter(Q(region=value) | Q(region__parent=value) | Q(region__parent__parent=value))


# sort key -> (column label, order_by of the ascending order)
SORTS = {
    "name": (_("Partner"), ("name", "pk")),
    "type": (_("Channel type"), ("channel_type", "name", "pk")),
    "tier": (_("Tier"), ("tier__rank", "tier__name", "name", "pk")),
    "territory": (_("Territory"), ("region__code", "region__name", "name", "pk")),
    "owner": (_("Channel manager"), ("owner__full_name", "name", "pk")),
    "status": (_("Status"), ("status", "name", "pk")),
    "credit": (_("Credit limit"), ("credit_limit", "name", "pk")),
    "created": (_("Created"), ("created_at", "pk")),
}
DEFAULT_SORT = "name"


def order_by(sort: str | None) -> tuple[str, tuple]:
    """The validated sort key and its order_by (a leading "-" sorts descending)."""
    sort = sort or DEFAULT_SORT
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT
    descending = sort.startswith("-")
    # Empty values last both ways, on every database (PostgreSQL and SQLite differ by default).
    fields = tuple(
        F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        for field in SORTS[key][1]
    )
    return sort, fields
