"""Forms of the partner registry. Every dropdown is built in ``__init__`` from the
tenant-scoped default manager (never a class-level queryset)."""

import copy

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from channelhub import validators
from channelhub.files import PrivateFileField
from channelhub.forms import SpreadsheetUploadForm
from channelhub.pickers import Picker
from channelhub.tenancy import get_current_tenant
from partners.models import (
    CATEGORIES_OF,
    DocumentKind,
    Partner,
    PartnerContact,
    Region,
    RewardPenaltyCategory,
    RewardPenaltyKind,
    Tier,
)
from partners.services import (
    GOVERNED_FIELDS,
    PARTNER_FIELDS,
    governed_by_filing,
    may_edit_governed,
    owner_choices,
)
from partners.validators import normalise_credit_code, validate_credit_code

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def region_sort_key(region):
    """Division code order where there are codes (the official order), else by name."""
    return [(node.code or "~", node.name) for node in region.chain]


class _PathOrderedIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for region in sorted(self.queryset, key=region_sort_key):
            yield self.choice(region)


class RegionChoiceField(forms.ModelChoiceField):
    """Regions shown as their path (浙江省 / 杭州市 / 西湖区), in division-code order."""

    iterator = _PathOrderedIterator

    def label_from_instance(self, obj):
        return obj.path


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def regions_queryset():
    return Region.objects.select_related("parent__parent")


class PartnerForm(forms.ModelForm):
    """The registry's record form. Where the tenant governs territory, channel type, tier and
    bank account by filing (partners.services.GOVERNED_FIELDS), an existing partner's are read-only
    here for a channel manager, and the tenant admin changing them gives a reason."""

    region = RegionChoiceField(label=_("Territory"), queryset=None, required=False, widget=Picker())
    owner = OwnerChoiceField(label=_("Channel manager"), queryset=None, required=False, widget=Picker())

    class Meta:
        model = Partner
        fields = PARTNER_FIELDS
        widgets = {
            "address": forms.TextInput(),
            "tier": Picker(),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.governed = instance.pk is not None and governed_by_filing(get_current_tenant())
        self.governed_locked = self.governed and not may_edit_governed(user, get_current_tenant())
        if self.governed_locked:
            for name in GOVERNED_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Changes through a change filing.")
        elif self.governed:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for changing territory, channel type, tier or bank account"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                required=False,
                help_text=_("Needed only when one of them changes without a filing; kept in the timeline."),
            )
        current_region = instance.region_id if instance.pk else None
        current_tier = instance.tier_id if instance.pk else None
        current_owner = instance.owner_id if instance.pk else None
        self.fields["tier"].queryset = Tier.objects.filter(is_active=True) | Tier.objects.filter(
            pk=current_tier
        )
        self.fields["region"].queryset = regions_queryset().filter(
            is_active=True
        ) | regions_queryset().filter(pk=current_region)
        self.fields["owner"].queryset = owner_choices() | owner_choices().model.objects.filter(
            pk=current_owner
        )
        # Registered capital is more than zero; a credit limit of zero means "no credit".
        for name, allow_zero in (("registered_capital", False), ("credit_limit", True)):
            if name in self.fields:
                self.fields[name] = validators.amount_field(self.fields[name], allow_zero=allow_zero)
        if "credit_code" in self.fields:
            self.fields["credit_code"].widget.attrs.update(
                {"autocomplete": "off", "maxlength": "18", "class": "font-monospace text-uppercase"}
            )

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data.get("credit_code"))
        validate_credit_code(code)
        return code

    def clean(self):
        """The registry's own cross-field rules, asked here as well (partners.services asks again
        when it saves) so they are shown with the fields' errors in one round."""
        from partners import services

        cleaned = super().clean()
        if self.governed and not self.governed_locked and not (cleaned.get("reason") or "").strip():
            if any(name in self.changed_data for name in GOVERNED_FIELDS):
                self.add_error(
                    "reason",
                    _("Say why territory, channel type, tier or bank account change without a filing."),
                )
        code = cleaned.get("credit_code")
        if code and Partner.objects.filter(credit_code=code).exclude(pk=self.instance.pk).exists():
            self.add_error("credit_code", _("Another partner already has this credit code."))
        territory = ("region", "channel_type", "exclusive_territory")
        if "region" in self.fields and not any(name in self.errors for name in territory):
            candidate = copy.copy(self.instance)
            for name in territory:
                if name in cleaned:
                    setattr(candidate, name, cleaned[name])
            if candidate.region_id and candidate.channel_type:
                problem = services.territory_problem(candidate)
                if problem:
                    field, message = problem
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def _post_clean(self):
        # Uniqueness and the territory rules are the service's to check (with the same
        # messages for the form and the import); keep ModelForm from touching the instance.
        pass


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Kept in the partner's history and shown to the people notified."),
    )


class ContactForm(forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ["name", "position", "mobile", "email", "is_primary", "is_active", "notes"]

    def _post_clean(self):
        pass  # the service saves and reports duplicates beside the name


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_WIDGET)
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty if it does not expire. The channel manager is reminded 30 days before."),
    )

    def __init__(self, *args, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"] = PrivateFileField(label=_("File"), max_mb=max_mb)
        validators.date_field(
            self.fields["issued_on"],
            validators.NotInFuture(_("A document cannot be issued in the future: today is %(today)s.")),
        )
        validators.date_field(self.fields["expires_on"])

    def clean(self):
        cleaned = super().clean()
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("The document cannot expire before it was issued."))
        return cleaned


class RewardPenaltyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RewardPenaltyKind.choices)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[
            (
                RewardPenaltyKind.REWARD.label,
                [(c.value, c.label) for c in CATEGORIES_OF[RewardPenaltyKind.REWARD]],
            ),
            (
                RewardPenaltyKind.PENALTY.label,
                [(c.value, c.label) for c in CATEGORIES_OF[RewardPenaltyKind.PENALTY]],
            ),
        ],
    )
    amount = validators.AmountField(
        label=_("Amount (CNY)"),
        required=False,
        help_text=_("Required for cash rewards and fines."),
    )
    date = forms.DateField(
        label=_("Date"), widget=DATE_WIDGET, error_messages={"invalid": validators.DATE_INVALID}
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean(self):
        cleaned = super().clean()
        kind, category = cleaned.get("kind"), cleaned.get("category")
        if kind and category and category not in CATEGORIES_OF[kind]:
            self.add_error("category", _("This category does not belong to the chosen kind."))
        if (
            category in (RewardPenaltyCategory.CASH, RewardPenaltyCategory.FINE)
            and not cleaned.get("amount")
            and "amount" not in self.errors  # "abc" is told once, as what it is
        ):
            self.add_error("amount", _("Please enter the amount."))
        return cleaned


ImportUploadForm = SpreadsheetUploadForm  # the shared upload (channelhub.forms)


class TierForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["name", "rank", "description", "is_active"]

    def _post_clean(self):
        pass


class RegionForm(forms.ModelForm):
    parent = RegionChoiceField(
        label=_("Part of"), queryset=None, required=False, empty_label=_("— (a province)"), widget=Picker()
    )

    class Meta:
        model = Region
        fields = ["parent", "name", "code", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["parent"]  # moving a region would move every partner in it
        else:
            self.fields["parent"].queryset = regions_queryset().filter(level__lt=3, is_active=True)

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("name") or "").strip()
        if self.instance.pk and name == self.instance.name:
            return cleaned  # a name from before is not judged again when something else changes
        is_province = self.instance.parent_id is None if self.instance.pk else cleaned.get("parent") is None
        if name and "parent" not in self.errors and is_province:
            # The top of the tree is a province of China, written out in full (浙江 → 浙江省).
            try:
                validators.validate_province(name)
            except forms.ValidationError as error:
                self.add_error("name", error)
            else:
                cleaned["name"] = validators.province_named(name)
        elif name:
            try:
                validators.validate_place(name)
            except forms.ValidationError as error:
                self.add_error("name", error)
        return cleaned

    def _post_clean(self):
        pass
