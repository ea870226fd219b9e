"""The partner-record fields a filing can set: read, show, compare and write them.

A new channel filing carries the future partner's basic information; a change
filing carries the fields that change. Both are stored as JSON by field name
(``Filing.proposed``), so this module is the one place that knows how a partner
field becomes a form field, a comparable value and a line of a diff. The fields
come from the partners app's own model (verbose names, choices, validators); the
primary contact (a PartnerContact row) is filed as three fields of its own.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channelhub.pickers import attach
from partners.models import Partner, PartnerContact

# In form order: partners.services.PARTNER_FIELDS less what is not a filing's business
# (the owner is a handover; credit limit and rating are finance's), plus the primary contact.
NEW_FIELDS = [
    "name",
    "credit_code",
    "legal_representative",
    "registered_capital",
    "address",
    "channel_type",
    "tier",
    "region",
    "exclusive_territory",
    "contact_name",
    "contact_mobile",
    "contact_email",
    "bank_name",
    "bank_account_name",
    "bank_account_number",
]
# The unified social credit code identifies the company: another code is another company,
# so a change filing cannot change it.
NOT_CHANGEABLE = {"credit_code"}
# Related rows shown by name need their parents to say it (a region is "province / city / district").
RELATED_SELECT = {"region": ("parent__parent",)}


@dataclass(frozen=True)
class PartnerField:
    name: str
    model_field: models.Field

    @property
    def label(self) -> str:
        return capfirst(str(self.model_field.verbose_name))

    @property
    def is_relation(self) -> bool:
        return self.model_field.is_relation

    @property
    def is_contact(self) -> bool:
        return False

    def related_queryset(self):
        model = self.model_field.related_model
        return model.objects.select_related(*RELATED_SELECT.get(self.name, ()))

    def formfield(self, *, current=None) -> forms.Field:
        field = self.model_field.formfield()
        if self.is_relation:
            # The tenant-scoped default manager: choices never include another tenant's rows;
            # rows out of use are offered only when they are the current value.
            queryset = self.related_queryset()
            if hasattr(self.model_field.related_model, "is_active"):
                queryset = queryset.filter(models.Q(is_active=True) | models.Q(pk=current))
            field.queryset = queryset
            attach(field)  # searchable: a territory tree has hundreds of places
        return field

    def read(self, partner) -> object:
        """The partner's value as a JSON-able, comparable value."""
        return self.to_json(getattr(partner, self.model_field.attname))

    def to_json(self, value) -> object:
        if isinstance(value, models.Model):
            value = value.pk
        if value is None or value == "":
            return value
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool | int | float):
            return value
        return str(value).strip()

    def from_json(self, value):
        if value is None or value == "":
            if isinstance(self.model_field, models.BooleanField):
                return False
            return None if self.model_field.null else ""
        internal = self.model_field.get_internal_type()
        if internal == "DecimalField":
            try:
                return Decimal(str(value))
            except InvalidOperation:
                return None
        if internal == "DateField":
            return date.fromisoformat(value)
        return value

    def audit_value(self, value):
        """The value as a timeline diff keeps it: codes and booleans as they are (words are chosen
        when shown, in the reader's language), related records and numbers as shown."""
        if value is None or value == "" or self.model_field.choices or isinstance(value, bool):
            return value
        return self.display(value)

    def display(self, value, cache: dict | None = None) -> str:
        """A value for people: the choice's label, the related record's name, or the text."""
        if value is None or value == "":
            return ""
        if self.name in ("contact_mobile",):
            from channelhub.validators import format_phone

            return format_phone(value)
        if self.model_field.choices:
            return str(dict(self.model_field.flatchoices).get(value, value))
        if self.is_relation:
            key = (self.name, value)
            if cache is not None and key in cache:
                return cache[key]
            related = self.related_queryset().filter(pk=value).first()
            shown = str(related) if related is not None else f"#{value}"
            if cache is not None:
                cache[key] = shown
            return shown
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if self.model_field.get_internal_type() == "DecimalField":
            return f"{Decimal(str(value)):,.2f}"
        return str(value)


@dataclass(frozen=True)
class ContactField(PartnerField):
    """One value of the partner's primary contact (name, mobile, e-mail)."""

    verbose: str = ""

    @property
    def label(self) -> str:
        return str(self.verbose)

    @property
    def is_contact(self) -> bool:
        return True

    def formfield(self, *, current=None) -> forms.Field:
        field = self.model_field.formfield()
        field.required = False
        field.label = self.label
        return field

    def read(self, partner) -> object:
        contact = primary_contact(partner)
        return self.to_json(getattr(contact, self.model_field.attname) if contact else "")

    def write(self, partner, value):  # contacts are written by partners.services, not set on the partner
        raise TypeError("a contact field is applied through the partner's contacts")


CONTACT_FIELDS = {
    "contact_name": ("name", gettext_lazy("Primary contact")),
    "contact_mobile": ("mobile", gettext_lazy("Contact's mobile")),
    "contact_email": ("email", gettext_lazy("Contact's e-mail")),
}


def primary_contact(partner):
    if partner is None or partner.pk is None:
        return None
    cached = getattr(partner, "_filings_primary_contact", False)
    if cached is False:
        cached = partner.contacts.filter(is_primary=True, is_active=True).first()
        partner._filings_primary_contact = cached
    return cached


def _fields(names) -> list[PartnerField]:
    existing = {f.name: f for f in Partner._meta.concrete_fields}
    result = []
    for name in names:
        if name in CONTACT_FIELDS:
            attr, verbose = CONTACT_FIELDS[name]
            result.append(ContactField(name, PartnerContact._meta.get_field(attr), verbose))
        elif name in existing:
            result.append(PartnerField(name, existing[name]))
    return result


def new_fields() -> list[PartnerField]:
    return _fields(NEW_FIELDS)


def change_fields() -> list[PartnerField]:
    return [f for f in _fields(NEW_FIELDS) if f.name not in NOT_CHANGEABLE]


def by_name() -> dict[str, PartnerField]:
    return {f.name: f for f in _fields(NEW_FIELDS)}


def same(a, b) -> bool:
    """Equal as filed values: an empty text and no value are the same thing."""
    return (None if a == "" else a) == (None if b == "" else b)


def snapshot(partner) -> dict:
    """The partner's values of every changeable field (a change filing's baseline)."""
    return {f.name: f.read(partner) for f in change_fields()}


def split(values: dict) -> tuple[dict, dict]:
    """(partner values by field name, primary contact values) of filed values, ready to write:
    related rows as instances (of the active tenant), texts, numbers and dates as such."""
    fields = by_name()
    record, contact = {}, {}
    for name, value in values.items():
        field = fields.get(name)
        if field is None:
            continue
        if field.is_contact:
            contact[field.model_field.name] = value or ""
        elif field.is_relation:
            record[name] = field.related_queryset().filter(pk=value).first() if value else None
        else:
            record[name] = field.from_json(value)
    return record, contact


def diff_rows(before: dict, after: dict, cache: dict | None = None) -> list[tuple[str, str, str, str]]:
    """``[(name, label, old, new)]`` for every field whose value differs, in form order."""
    rows = []
    for name, field in by_name().items():
        if name not in after:
            continue
        old, new = before.get(name), after.get(name)
        if not same(old, new):
            rows.append((name, field.label, field.display(old, cache), field.display(new, cache)))
    return rows


def labelled(values: dict, cache: dict | None = None) -> list[tuple[str, str]]:
    """``[(label, shown value)]`` of a filing's proposed values, in form order."""
    return [(f.label, f.display(values.get(name), cache)) for name, f in by_name().items() if name in values]


def display_cache(filings) -> dict:
    """Names of every related row the filings' values mention, one query per related field."""
    cache = {}
    for field in by_name().values():
        if not field.is_relation:
            continue
        ids = {
            values[field.name]
            for filing in filings
            for values in (filing.proposed, filing.baseline)
            if values.get(field.name)
        }
        if ids:
            for row in field.related_queryset().filter(pk__in=ids):
                cache[(field.name, row.pk)] = str(row)
    return cache
