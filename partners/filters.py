"""The partner list's filters (django-filter) and its sort orders."""

from types import SimpleNamespace

import django_filters
from django import forms
from django.db.models import F, Q
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from channelhub.pickers import picker_attrs
from partners.forms import OwnerChoiceField, RegionChoiceField, region_sort_key, regions_queryset
from partners.models import ChannelType, Partner, PartnerStatus, Tier
from partners.services import owner_choices


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html in Python."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class Select(forms.Select):
    """Django's ``Select`` with the same markup (name, attributes, options, the first
    matching option selected), built in Python instead of through the widget templates,
    one include per ``<option>``: the list's filter offers every territory, and rendering
    its options was most of the list page's rendering time. Named ``Select`` like Django's:
    the ``bs`` template filter styles widgets by class name (``form-select``)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        wanted = set(self.format_value(value))
        parts = [format_html('<select name="{}"{}>', name, _attrs(attrs))]
        chosen = False

        def option(option_value, label):
            nonlocal chosen
            option_value = "" if option_value is None else str(option_value)
            selected = (not chosen or self.allow_multiple_selected) and option_value in wanted
            chosen = chosen or selected
            return f'<option value="{escape(option_value)}"{" selected" if selected else ""}>{conditional_escape(label)}</option>'

        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # an optgroup
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(option(sub_value, text) for sub_value, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every value and label escaped above


class _FetchedChoices(ModelChoiceIterator):
    """The choices in one plain query: Django's iterator() takes a server-side cursor on
    PostgreSQL (DECLARE, FETCH, CLOSE: three round trips) for a dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class _RegionChoices(ModelChoiceIterator):
    """RegionChoiceField's choices (each territory's path, in division-code order) from one
    query of plain values: each region's parents are found among the tenant's regions, and
    no model is built for an option (48 territories cost more than the rest of the form)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.select_related(None).values_list("pk", "parent_id", "name", "code")
        nodes = {
            pk: SimpleNamespace(pk=pk, parent_id=parent, name=name, code=code)
            for pk, parent, name, code in rows
        }
        if any(node.parent_id is not None and node.parent_id not in nodes for node in nodes.values()):
            # a narrowed queryset: the parents come with the rows
            yield from (self.choice(region) for region in sorted(self.queryset, key=region_sort_key))
            return
        for node in nodes.values():
            chain, step = [], node
            while step is not None and len(chain) < 8:  # the tree is three levels deep
                chain.append(step)
                step = nodes.get(step.parent_id)
            node.chain = chain[::-1]
        for node in sorted(nodes.values(), key=region_sort_key):  # the forms' own order
            yield (node.pk, " / ".join(step.name for step in node.chain))  # Region.path


class _RegionField(RegionChoiceField):
    iterator = _RegionChoices


class _TierField(django_filters.fields.ModelChoiceField):
    iterator = _FetchedChoices


class _OwnerField(OwnerChoiceField):
    iterator = _FetchedChoices


class TierFilter(django_filters.ModelChoiceFilter):
    field_class = _TierField


class RegionFilter(django_filters.ModelChoiceFilter):
    field_class = _RegionField


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = _OwnerField


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, credit code or legal representative")}),
    )
    channel_type = django_filters.ChoiceFilter(
        label=_("Channel type"), choices=ChannelType.choices, widget=Select
    )
    tier = TierFilter(label=_("Tier"), queryset=lambda request: Tier.objects.all(), widget=Select)
    region = RegionFilter(
        label=_("Territory"),
        queryset=lambda request: regions_queryset(),
        method="in_region",
        widget=Select(attrs=picker_attrs()),  # searchable
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PartnerStatus.choices, widget=Select)
    owner = OwnerFilter(label=_("Channel manager"), queryset=lambda request: owner_choices(), widget=Select)

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
