"""Searchable pickers: a ``<select>`` that Tom Select (npm, served by the portal; see
docs/frontend.md) turns into a type-to-search box, by static/js/pickers.js.

- ``Picker()`` — every option is in the page and searched in the browser (regions, tiers,
  channel managers: hundreds at most).
- ``Picker(url=...)`` — options come from ``url`` as the user types and the page carries only
  the chosen one (partners: tens of thousands). The field still validates against its own
  queryset, so a forged id is refused as before. The view behind ``url`` answers with
  ``options_response``.
"""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from channelhub.tenancy import get_current_tenant

RESULTS = 20  # options sent per keystroke


def picker_attrs(url: str | None = None) -> dict:
    """The ``data-picker`` attributes static/js/pickers.js reads, for widgets that are not a
    ``Picker`` (a list filter's fast ``Select``)."""
    attrs = {
        "data-picker": "remote" if url else "local",
        "data-picker-none": _("Nothing found"),
        "data-picker-clear": _("Clear"),
    }
    if url:
        attrs["data-picker-url"] = url
        attrs["data-picker-hint"] = _("Type a name or credit code to search")
    return attrs


class Picker(forms.Select):
    def __init__(self, attrs=None, *, url: str | None = None):
        super().__init__(attrs)
        self.url = url

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), **picker_attrs(self.url)}

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        if not self.url or not hasattr(iterator, "queryset"):
            return super().optgroups(name, value, attrs)
        # Only the empty choice and the chosen row go into the page.
        wanted = [v for v in value if v not in ("", None)]
        try:
            chosen = (
                [iterator.choice(obj) for obj in iterator.queryset.filter(pk__in=wanted)] if wanted else []
            )
        except (ValueError, TypeError, ValidationError):  # a forged, non-numeric value
            chosen = []
        empty = [("", iterator.field.empty_label)] if iterator.field.empty_label is not None else []
        self.choices = empty + chosen
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator


def attach(field: forms.ChoiceField, picker: Picker | None = None) -> forms.ChoiceField:
    """Give an existing choice field a picker (a widget set after the field was built has no
    choices of its own: Django copies them to the widget only when the field is made)."""
    picker = picker or Picker()
    picker.choices = field.choices
    picker.is_required = field.required
    field.widget = picker
    return field


def picker_for(model, **query) -> Picker:
    """The remote picker an app registered for ``model`` (``modules.register(pickers=...)``);
    ``query`` is added to its address (``all=1``: terminated partners too, for filters)."""
    from django.utils.http import urlencode

    from channelhub.modules import PICKER_URLS

    url = tenant_url(PICKER_URLS[model._meta.label])
    return Picker(url=url + ("?" + urlencode(query) if query else ""))


def tenant_url(url_name: str) -> str:
    """The active tenant's ``url_name`` (pickers are built in a form's ``__init__``)."""
    return reverse(url_name, kwargs={"tenant_slug": get_current_tenant().slug})


def options_response(request, queryset, *, search: Callable, label: Callable = str) -> JsonResponse:
    """``{"results": [{"value", "text"}]}``: the first RESULTS rows of ``queryset`` that
    ``search(queryset, typed)`` keeps, for a remote ``Picker``."""
    typed = request.GET.get("q", "").strip()[:100]
    rows = search(queryset, typed) if typed else queryset
    return JsonResponse({"results": [{"value": str(row.pk), "text": label(row)} for row in rows[:RESULTS]]})
