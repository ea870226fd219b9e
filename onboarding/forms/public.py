"""The forms an applicant fills in without an account."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from channelhub import validators
from channelhub.files import PrivateFileField
from onboarding.forms.fields import MultipleFileField
from onboarding.models import Application
from partners.models import ChannelType, Region, RegionLevel
from partners.validators import normalise_credit_code

TIMESTAMP_SALT = "onboarding.apply.started"

SECTIONS = [
    (
        _("Company and legal data"),
        [
            "company_name",
            "credit_code",
            "legal_representative",
            "registered_capital",
            "established_on",
            "registered_address",
            "business_scope",
        ],
    ),
    (_("Contact"), ["contact_name", "contact_title", "contact_phone", "contact_email"]),
    (
        _("Operating status and reputation"),
        ["annual_revenue", "employee_count", "operating_status", "reputation"],
    ),
    (
        _("Sales capability and team"),
        [
            "sales_capability",
            "last_year_sales",
            "team_size",
            "sales_staff",
            "technical_staff",
            "team_description",
        ],
    ),
    (_("Warehouse and logistics"), ["warehouse_area", "warehouse_address", "logistics"]),
    (
        _("Proposed channel type and territory"),
        [
            "channel_type",
            "province",
            "city",
            "district",
            "wants_exclusive",
            "premises_address",
            "premises_area",
        ],
    ),
    (_("Cooperation plan"), ["cooperation_plan", "expected_annual_sales", "resources_needed"]),
]
FIELDS = [name for _title, names in SECTIONS for name in names]
TEXTAREAS = {
    "business_scope",
    "operating_status",
    "reputation",
    "sales_capability",
    "team_description",
    "logistics",
    "cooperation_plan",
    "resources_needed",
}
HELP = {
    "credit_code": _("18 characters, as on the business licence."),
    "operating_status": _("Main business, years in operation, premises, financial situation."),
    "reputation": _("References, awards, customer feedback; any disputes or penalties."),
    "sales_capability": _("Your sales channels, customer resources and results in similar products."),
    "cooperation_plan": _("How you will develop the territory: targets, outlets, marketing, service."),
    "premises_address": _("For a cooperative hall or store: where the premises are."),
}


# Amounts of the form, and whether zero is a sensible answer (a young company's revenue).
AMOUNTS = {
    "registered_capital": False,
    "annual_revenue": True,
    "last_year_sales": True,
    "expected_annual_sales": False,
}


def started_stamp() -> str:
    return signing.dumps(time.time(), salt=TIMESTAMP_SALT)


class ApplicationForm(forms.ModelForm):
    """The application with the qualification uploads the tenant requires per channel type.

    ``held`` maps document kinds to files kept from an earlier, failed submission, so the
    applicant need not upload them again. Spam guard: a hidden honeypot and a signed time stamp.
    """

    website = forms.CharField(
        required=False, label="", widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )
    started = forms.CharField(widget=forms.HiddenInput)
    draft = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Application
        fields = FIELDS
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 3}) for name in TEXTAREAS},
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, campaign, requirements, held=None, max_mb=10, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign, self.requirements, self.held = campaign, requirements, held or {}
        for name, allow_zero in AMOUNTS.items():
            self.fields[name] = validators.amount_field(self.fields[name], allow_zero=allow_zero)
        validators.date_field(
            self.fields["established_on"],
            validators.NotInFuture(_("A company cannot be established in the future: today is %(today)s.")),
        )
        if campaign.regions and not validators.is_nationwide(campaign.regions):
            self.fields["province"].help_text = _("This campaign seeks partners in: %(regions)s.") % {
                "regions": campaign.regions
            }
        if campaign.channel_types:
            self.fields["channel_type"].choices = [("", "---------")] + [
                (value, label) for value, label in ChannelType.choices if value in campaign.channel_types
            ]
        for name, text in HELP.items():
            self.fields[name].help_text = text
        self.document_fields = []
        for requirement in requirements:
            name = f"doc_{requirement.code}"
            held_file = self.held.get(f"doc:{requirement.code}")
            field = PrivateFileField(label=requirement.label, required=False, max_mb=max_mb)
            field.requirement, field.held_file = requirement, held_file
            field.help_text = requirement.help_text
            self.fields[name] = field
            self.document_fields.append(name)
        if not self.is_bound:
            self.initial["started"] = started_stamp()

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def documents(self):
        return [self[name] for name in self.document_fields]

    def clean_credit_code(self):
        from onboarding.services import duplicate_problem

        code = normalise_credit_code(self.cleaned_data["credit_code"])
        # Asked here too (the service asks again when it saves), so a duplicate is reported in the
        # same round as every other mistake, not after they are fixed.
        problem = duplicate_problem(code)
        if problem:
            raise forms.ValidationError(problem, code="duplicate")
        return code

    def clean_province(self):
        value = self.cleaned_data["province"]
        validators.validate_province(value)
        return validators.province_named(value)

    def clean_city(self):
        value = self.cleaned_data["city"]
        validators.validate_place(value)
        return value

    def clean_district(self):
        value = self.cleaned_data["district"]
        validators.validate_place(value)
        return value

    def clean_started(self):
        try:
            started = signing.loads(self.cleaned_data["started"], salt=TIMESTAMP_SALT, max_age=60 * 60 * 24)
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form has expired; check your entries and submit again.")
            ) from None
        self.elapsed = time.time() - float(started)
        return self.cleaned_data["started"]

    def clean(self):
        cleaned = super().clean()
        minimum = getattr(settings, "ONBOARDING_FORM_MIN_SECONDS", 3)
        if getattr(self, "elapsed", minimum) < minimum:
            self.add_error(None, _("That was very quick. Check your entries and press Submit again."))
        channel_type = cleaned.get("channel_type")
        if channel_type:
            for name in self.document_fields:
                requirement = self.fields[name].requirement
                if (
                    requirement.is_required
                    and requirement.applies_to(channel_type)
                    and not cleaned.get(name)
                    and not self.fields[name].held_file
                ):
                    self.add_error(name, _("Required for this channel type."))
        province, city = cleaned.get("province"), cleaned.get("city")
        if province:
            problem = area_problem(self.campaign, province, city)
            if problem:
                self.add_error(*problem)
        return cleaned

    def valid_uploads(self) -> dict:
        """Uploads that passed their own checks, by document kind (kept even if the form fails)."""
        uploads = {}
        for name in self.document_fields:
            upload = self.files.get(self.add_prefix(name))
            if upload is not None and name not in self.errors:
                uploads[f"doc:{self.fields[name].requirement.code}"] = self.cleaned_data.get(name) or upload
        return uploads

    def application_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in FIELDS}

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))

    def refresh_stamp(self):
        """After a failed submission the next try starts its clock now."""
        data = self.data.copy()
        data[self.add_prefix("started")] = started_stamp()
        self.data = data


def _tree_cities() -> list[tuple[str, str]]:
    """(province, city) of every city in the tenant's territory tree (one query)."""
    return list(
        Region.objects.filter(is_active=True, level=RegionLevel.CITY).values_list("parent__name", "name")
    )


def area_problem(campaign, province: str, city: str) -> tuple[str, str] | None:
    """``(field, message)`` when the applicant's province and city lie outside the campaign's
    regions, or the city is, by the tenant's territory tree, in another province.

    The campaign's regions are the words its manager wrote ("浙江省、江苏省、上海市", "杭州市、宁波市",
    "全国"): provinces are read as such, cities through the territory tree (or written after their
    province: "浙江省杭州市"). Words that name no place ("华东地区") restrict nothing; a campaign
    whose words name no place at all takes applications from anywhere."""
    city_key = validators.place_key(city or "")
    tree = _tree_cities()
    homes = {
        validators.province_named(home) or home
        for home, name in tree
        if validators.place_key(name) == city_key
    }
    if city_key and homes and province not in homes:
        return "city", _("%(city)s is in %(province)s, not in %(chosen)s.") % {
            "city": city,
            "province": "、".join(sorted(homes)),
            "chosen": province,
        }
    text = campaign.regions or ""
    if not text.strip() or validators.is_nationwide(text):
        return None
    provinces, cities = set(), set()
    for part in validators.PLACE_SEPARATORS.split(text):
        if not part:
            continue
        whole = validators.province_named(part)
        if whole:
            provinces.add(whole)
            continue
        head, rest = validators.split_place(part)
        if head and rest:
            cities.add((head, validators.place_key(rest)))
            continue
        for home, name in tree:
            if validators.place_key(name) == validators.place_key(part):
                cities.add((validators.province_named(home) or home, validators.place_key(name)))
    if not provinces and not cities:
        return None
    if province in provinces:
        return None
    if city_key and any(home == province and rest.startswith(city_key) for home, rest in cities):
        return None
    field = "city" if any(home == province for home, _rest in cities) else "province"
    return field, _("This campaign seeks partners in %(regions)s only.") % {"regions": text}


class SupplementForm(forms.Form):
    reply = forms.CharField(label=_("Your answer"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Documents"))

    def __init__(self, *args, max_mb=10, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].max_mb = max_mb


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("Your full name"), max_length=50)
    agree = forms.BooleanField(
        label=_("I have read this version of the contract and sign it on behalf of the company."),
        required=False,
    )
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
