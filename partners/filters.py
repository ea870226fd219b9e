"""The partner list's filters (django-filter) and its sort orders."""

from types import SimpleNamespace

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from channelhub import caching
from channelhub.pickers import picker_attrs
from channelhub.sorting import Sorts
from channelhub.tenancy import get_current_tenant
from channelhub.widgets import Select, TextInput
from partners.forms import region_sort_key
from partners.models import ChannelType, Partner, PartnerStatus, Region, Tier
from partners.services import owner_choices


def filter_choices() -> dict[str, list[tuple[int, str]]]:
    """The active tenant's tiers, territories (each as its path, in the forms' division-code
    order) and channel managers, as (id, label) pairs: the list filter's choices and the list
    rows' labels. Every list page showed them, three queries and their model rows; they are
    kept in the shared cache until a tier, a region or a member changes (channelhub.caching)."""
    tenant = get_current_tenant()

    def compute():
        rows = Region.objects.values_list("pk", "parent_id", "name", "code")
        nodes = {
            pk: SimpleNamespace(pk=pk, parent_id=parent, name=name, code=code)
            for pk, parent, name, code in rows
        }
        for node in nodes.values():
            chain, step = [], node
            while step is not None and len(chain) < 8:  # the tree is three levels deep
                chain.append(step)
                step = nodes.get(step.parent_id)
            node.chain = chain[::-1]
        return {
            "tier": [(tier.pk, str(tier)) for tier in Tier.objects.all()],
            "region": [  # Region.path, in RegionChoiceField's order
                (node.pk, " / ".join(step.name for step in node.chain))
                for node in sorted(nodes.values(), key=region_sort_key)
            ],
            "owner": [(user.pk, user.display_name) for user in owner_choices()],
        }

    return caching.kept(
        f"partner-filter-choices:{tenant.pk}",
        (f"tiers:{tenant.pk}", f"regions:{tenant.pk}", f"members:{tenant.pk}"),
        compute,
    )


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=TextInput(attrs={"placeholder": _("Name, credit code or legal representative")}),
    )
    channel_type = django_filters.ChoiceFilter(
        label=_("Channel type"), choices=ChannelType.choices, widget=Select
    )
    # Tier, territory and manager choose among filter_choices() (set in __init__): validating
    # a choice needs no query.
    tier = django_filters.ChoiceFilter(label=_("Tier"), widget=Select)
    region = django_filters.ChoiceFilter(
        label=_("Territory"),
        method="in_region",
        widget=Select(attrs=picker_attrs()),  # searchable
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PartnerStatus.choices, widget=Select)
    owner = django_filters.ChoiceFilter(label=_("Channel manager"), widget=Select)

    class Meta:
        model = Partner
        fields = ["q", "channel_type", "tier", "region", "status", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = filter_choices()
        for name in ("tier", "region", "owner"):
            self.filters[name].extra["choices"] = self.choices[name]

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


# sort key -> (column label, order_by of the ascending order); channelhub.sorting
SORTS = Sorts(
    {
        "name": (_("Partner"), ("name", "pk")),
        "type": (_("Channel type"), ("channel_type", "name", "pk")),
        "tier": (_("Tier"), ("tier__rank", "tier__name", "name", "pk")),
        "territory": (_("Territory"), ("region__code", "region__name", "name", "pk")),
        "owner": (_("Channel manager"), ("owner__full_name", "name", "pk")),
        "status": (_("Status"), ("status", "name", "pk")),
        "credit": (_("Credit limit"), ("credit_limit", "name", "pk")),
        "created": (_("Created"), ("created_at", "pk")),
    },
    default="name",
    end=("credit",),
)
order_by = SORTS.order_by
