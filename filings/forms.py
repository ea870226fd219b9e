"""Forms of the filings module. Every queryset in a choice field is the tenant-scoped default
manager, further limited to the user's own partner for partner users."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from channelhub import validators
from channelhub.files import PrivateFileField
from channelhub.pickers import attach, picker_for
from filings import partner_fields
from filings.checks import REQUIRED_PROPOSED_FOR_NEW
from filings.customers import normalise_name
from filings.models import (
    SETTINGS_FIELDS,
    CustomerRegistration,
    CustomerStatus,
    Filing,
    FilingKind,
    FilingSettings,
    FilingState,
    RequiredAttachment,
)
from partners import services as partner_services
from partners.models import ChannelType, Partner, PartnerStatus
from partners.validators import normalise_credit_code, validate_credit_code

DATE = {"type": "date"}


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def _partner_queryset(membership):
    queryset = Partner.objects.exclude(status=PartnerStatus.TERMINATED).order_by("name")
    if membership.is_partner_user:
        queryset = queryset.filter(pk=membership.partner_id)
    return queryset


class PartnerPickForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partner_queryset(membership)
        attach(self.fields["partner"], picker_for(Partner))


class _PartnerValuesMixin:
    """Adds one form field per filable partner field (filings.partner_fields)."""

    def add_partner_fields(self, specs, *, required: set | None = None, initial: dict | None = None):
        self.partner_specs = specs
        initial = initial or {}
        for spec in specs:
            field = spec.formfield(current=initial.get(spec.name))
            if isinstance(field, forms.DecimalField):  # registered capital: the shared amount field
                field = validators.amount_field(field)
            if required is not None:
                field.required = spec.name in required
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 2
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs=DATE)
                validators.date_field(field)
            if spec.name in initial:
                field.initial = spec.from_json(initial[spec.name])
            self.fields[spec.name] = field

    def partner_values(self) -> dict:
        return {spec.name: spec.to_json(self.cleaned_data.get(spec.name)) for spec in self.partner_specs}


class NewFilingForm(_PartnerValuesMixin, forms.Form):
    """新渠道报备表: the channel's basic information, expected scale, start date, resources."""

    OWN_FIELDS = [
        "basic_situation",
        "expected_annual_sales",
        "expected_scale_notes",
        "expected_start_date",
        "resources_needed",
    ]

    basic_situation = forms.CharField(label=_("Basic situation of the channel"), widget=_textarea(4))
    expected_annual_sales = validators.AmountField(label=_("Expected annual sales (CNY)"))
    expected_scale_notes = forms.CharField(
        label=_("Expected business scale"),
        widget=_textarea(),
        help_text=_("Outlets, staff, customers, product lines…"),
    )
    expected_start_date = forms.DateField(
        label=_("Expected start date"),
        widget=forms.DateInput(attrs=DATE),
        validators=[validators.NotInPast(_("The expected start cannot be in the past: today is %(today)s."))],
        error_messages={"invalid": validators.DATE_INVALID},
    )
    resources_needed = forms.CharField(
        label=_("Resources needed"),
        widget=_textarea(),
        help_text=_("What the new business needs from us: stock, training, marketing support…"),
    )

    def __init__(self, *args, filing: Filing | None = None, **kwargs):
        if filing is not None:
            kwargs.setdefault("initial", {name: getattr(filing, name) for name in self.OWN_FIELDS})
        super().__init__(*args, **kwargs)
        own = {name: self.fields.pop(name) for name in self.OWN_FIELDS}
        required = set(REQUIRED_PROPOSED_FOR_NEW)
        self.add_partner_fields(
            partner_fields.new_fields(), required=required, initial=filing.proposed if filing else None
        )
        self.fields.update(own)

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data.get("credit_code", ""))
        validate_credit_code(code)
        # A partner admitted through an application is what this filing records (filings.effects).
        if Partner.objects.filter(credit_code=code).exists() and partner_services.admitted(code) is None:
            raise forms.ValidationError(
                _("A partner with this credit code already exists: file a change instead.")
            )
        return code

    def own_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.OWN_FIELDS}


class ChangeFilingForm(_PartnerValuesMixin, forms.Form):
    """渠道业务变更报备表: the fields that change (shown as a diff), the reason and the impact."""

    OWN_FIELDS = ["reason", "impact"]
    reason = forms.CharField(label=_("Reason for the change"), widget=_textarea())
    impact = forms.CharField(
        label=_("Impact of the change"),
        widget=_textarea(),
        help_text=_("On customers, orders, territory neighbours, settlement…"),
    )

    def __init__(self, *args, partner: Partner, filing: Filing | None = None, **kwargs):
        self.partner = partner
        if filing is not None:
            kwargs.setdefault("initial", {name: getattr(filing, name) for name in self.OWN_FIELDS})
        super().__init__(*args, **kwargs)
        own = {name: self.fields.pop(name) for name in self.OWN_FIELDS}
        # Start from the partner as it is now, with this filing's changes on top.
        values = {**partner_fields.snapshot(partner), **(filing.proposed if filing else {})}
        self.add_partner_fields(partner_fields.change_fields(), initial=values)
        mobile = values.get("contact_mobile")
        if "contact_mobile" in self.fields and mobile and validators.stored_phone(mobile) is None:
            # A number on file from before validation: it may stay while it is not changed.
            self.fields["contact_mobile"].keep = mobile
        self.fields.update(own)

    def changes(self) -> dict:
        current = partner_fields.snapshot(self.partner)
        return {
            name: value
            for name, value in self.partner_values().items()
            if not partner_fields.same(current.get(name), value)
        }

    def clean(self):
        cleaned = super().clean()
        # Said together with the other fields' errors: a partner field that failed is a field
        # someone changed, so only then is "nothing changes" not known.
        if not any(spec.name in self.errors for spec in self.partner_specs) and not self.changes():
            self.add_error(None, _("Nothing changes: edit at least one field of the partner record."))
        return cleaned

    def own_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.OWN_FIELDS}


class TerminationFilingForm(forms.ModelForm):
    """渠道业务终止报备表: reason, termination date, business impact."""

    class Meta:
        model = Filing
        fields = ["termination_date", "reason", "impact"]
        labels = {"reason": _("Reason for the termination"), "impact": _("Business impact")}
        help_texts = {
            "impact": _(
                "Open orders, stock, unsettled money, customers to hand over — and how each is handled."
            ),
            "termination_date": _(
                "Ordering stops when the filing is recorded; the partner is terminated on this day."
            ),
        }
        widgets = {
            "termination_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "reason": _textarea(),
            "impact": _textarea(4),
        }

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name in self.Meta.fields:
            self.fields[name].required = True
        validators.date_field(self.fields["termination_date"])

    def clean_termination_date(self):
        day = self.cleaned_data["termination_date"]
        if day < self.today:
            raise forms.ValidationError(_("The termination date cannot be in the past."))
        return day

    def own_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AttachmentForm(forms.Form):
    code = forms.ChoiceField(label=_("Attachment"))
    file = PrivateFileField(label=_("File"))

    def __init__(self, *args, requirements, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(r.code, r.label) for r in requirements] + [
            ("other", _("Other supporting material"))
        ]
        self.fields["file"] = PrivateFileField(label=_("File"), max_mb=max_mb)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=_textarea(2))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=_textarea(2), error_messages={"required": _("Please say why.")}
    )


class SubmitForm(forms.Form):
    """Submitting asks nothing: the form carries the service's refusal back to the page."""


# --- the register ---------------------------------------------------------------------------------


class FilingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=FilingKind.choices)
    state = django_filters.ChoiceFilter(label=_("Status"), choices=FilingState.choices)
    year = django_filters.NumberFilter(label=_("Record year"), field_name="record_year")
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=Partner.objects.order_by("name"))
    recorded_from = django_filters.DateFilter(
        label=_("Recorded from"),
        field_name="recorded_at__date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs=DATE),
    )
    recorded_to = django_filters.DateFilter(
        label=_("Recorded to"),
        field_name="recorded_at__date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs=DATE),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="only_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Filing
        fields = []

    def __init__(self, *args, today, membership, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)
        if membership.is_partner_user:
            # Only their own partner's filings: nothing to pick, and no other partner named.
            del self.filters["partner"]
        else:
            self.filters["partner"].queryset = Partner.objects.order_by("name")
            self.filters["partner"].extra["widget"] = picker_for(Partner, all=1)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = (
            Q(record_number__icontains=value)
            | Q(partner__name__icontains=value)
            | Q(proposed__name__icontains=value)
            | Q(reason__icontains=value)
        )
        digits = value.lstrip("#")
        if digits.isdigit():
            query |= Q(pk=int(digits))
        return queryset.filter(query)

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(overdue_q(self.today))


def overdue_q(today) -> Q:
    """Approved but not recorded by the deadline, or still open past the validity."""
    waiting = [FilingState.SUBMITTED, FilingState.RETURNED, FilingState.APPROVED]
    return Q(state=FilingState.APPROVED, record_due__lt=today) | Q(state__in=waiting, valid_until__lt=today)


# --- customer registration -------------------------------------------------------------------


class CustomerRegistrationForm(forms.ModelForm):
    class Meta:
        model = CustomerRegistration
        fields = [
            "partner",
            "customer_name",
            "credit_code",
            "contact_name",
            "contact_phone",
            "region",
            "project_name",
            "expected_amount",
            "expected_close_date",
            "products",
            "notes",
        ]
        widgets = {
            "expected_close_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "products": _textarea(2),
            "notes": _textarea(2),
        }
        help_texts = {
            "credit_code": _("If the customer is a company: the best way to recognise it."),
            "region": _("Province / city / district."),
        }

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        if membership.is_partner_user:
            del self.fields["partner"]  # always their own partner
        else:
            self.fields["partner"].queryset = _partner_queryset(membership)
            attach(self.fields["partner"], picker_for(Partner))
        self.fields["contact_phone"].required = True
        self.fields["expected_amount"] = validators.amount_field(self.fields["expected_amount"])
        validators.date_field(
            self.fields["expected_close_date"],
            validators.NotInPast(_("The expected closing date cannot be in the past: today is %(today)s.")),
        )

    def clean_region(self):
        value = self.cleaned_data["region"].strip()
        validators.validate_place(value)
        return value

    def clean_customer_name(self):
        name = self.cleaned_data["customer_name"].strip()
        if not normalise_name(name):
            raise forms.ValidationError(_("Enter the customer's name."))
        return name

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data.get("credit_code", ""))
        if code:
            validate_credit_code(code)
        return code

    def registration_values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "partner"}


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CustomerStatus.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=Partner.objects.order_by("name"))

    class Meta:
        model = CustomerRegistration
        fields = []

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        if membership.is_partner_user:
            del self.filters["partner"]
        else:
            self.filters["partner"].queryset = Partner.objects.order_by("name")
            self.filters["partner"].extra["widget"] = picker_for(Partner, all=1)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = (
            Q(customer_name__icontains=value)
            | Q(name_key__contains=normalise_name(value) or value)
            | Q(contact_phone__icontains=value)
            | Q(credit_code__iexact=value)
            | Q(project_name__icontains=value)
        )
        phone = validators.stored_phone(value)  # "138 0013 8000" finds the stored +8613800138000
        if phone:
            query |= Q(contact_phone=phone)
        return queryset.filter(query)


class OrderForm(forms.Form):
    on = forms.DateField(
        label=_("Order date"),
        widget=forms.DateInput(attrs=DATE),
        validators=[
            validators.NotInFuture(_("An order cannot be recorded for a day after today (%(today)s)."))
        ],
        error_messages={"invalid": validators.DATE_INVALID},
    )
    reference = forms.CharField(label=_("Order reference"), max_length=64, required=False)


class ResolveForm(forms.Form):
    award = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "award",
        choices=[
            ("decline", _("Keep the earlier registration; decline this one")),
            ("award", _("Give the customer to this registration; release the earlier one")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(label=_("Why"), widget=_textarea(2))


# --- tenant settings -----------------------------------------------------------------------------


class FilingSettingsForm(forms.ModelForm):
    class Meta:
        model = FilingSettings
        fields = list(SETTINGS_FIELDS)  # what services.update_settings changes


class RequiredAttachmentForm(forms.ModelForm):
    channel_types = forms.MultipleChoiceField(
        label=_("Channel types"),
        choices=ChannelType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None ticked: every channel type."),
    )

    class Meta:
        model = RequiredAttachment
        fields = ["kind", "label", "code", "channel_types"]
        help_texts = {"code": _("A short identifier in Latin letters, e.g. storefront_photo.")}

    def clean_code(self):
        code = self.cleaned_data["code"]
        kind = self.cleaned_data.get("kind")
        if (
            kind
            and RequiredAttachment.objects.filter(kind=kind, code=code).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(_("This code is already used for this kind of filing."))
        if code == "other":
            raise forms.ValidationError(_("“other” is reserved for optional materials."))
        return code
