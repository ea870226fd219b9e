"""Forms of the company's pipeline pages. Every choice of people or records comes from the
tenant-scoped managers, so another tenant's rows are never offered nor accepted."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from channelhub import periods, validators
from channelhub.models import User
from channelhub.roles import PARTNER_ROLES, PERMISSIONS, member_users
from onboarding.forms.fields import PhotoField
from onboarding.models import Campaign, InspectionReport, Recommendation, State
from partners.models import ChannelType


def people_with(permission: str):
    """Active members whose role has ``permission`` (tenant-scoped)."""
    return member_users(*sorted(PERMISSIONS[permission] - PARTNER_ROLES)).order_by("full_name", "email")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SupplementRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What is missing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant receives this by e-mail with a link to answer."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("The applicant is told.")
    )


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class InspectorMixin:
    def setup_inspector(self, tenant, days):
        self.fields["inspector"].queryset = people_with("onboarding.inspect")
        validators.date_field(
            self.fields["due_on"], validators.NotInPast(_("The due date cannot be in the past."))
        )
        if not self.is_bound:
            self.initial.setdefault("due_on", periods.today(tenant) + timedelta(days=days))


class ReviewForm(InspectorMixin, forms.Form):
    documents_checked = forms.BooleanField(
        label=_("I checked the documents against the originals"), required=False
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    inspector = PersonChoiceField(label=_("Site inspection by"), queryset=User.objects.none())
    due_on = forms.DateField(
        label=_("Inspection due"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, criteria, tenant, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_score,
                help_text=_("0–%(max)s · weight %(weight)s · %(text)s")
                % {"max": criterion.max_score, "weight": criterion.weight, "text": criterion.description},
                widget=forms.NumberInput(
                    attrs={"data-weight": criterion.weight, "data-max": criterion.max_score}
                ),
            )
        self.setup_inspector(tenant, days)

    def score_fields(self):
        return [self[f"score_{c.pk}"] for c in self.criteria]

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}


class AssignInspectorForm(InspectorMixin, forms.Form):
    inspector = PersonChoiceField(label=_("Inspector"), queryset=User.objects.none())
    due_on = forms.DateField(
        label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, tenant, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_inspector(tenant, days)


class InspectionForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    score = forms.DecimalField(
        label=_("Inspection score (0–100)"), min_value=0, max_value=100, decimal_places=2
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    photos = PhotoField(label=_("Photos of the site"))

    def __init__(self, *args, items, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.fields["photos"].max_mb = tenant.upload_limit_mb
        validators.date_field(
            self.fields["visited_on"],
            validators.NotInFuture(_("The visit cannot be in the future: today is %(today)s.")),
        )
        self.fields["score"].error_messages["invalid"] = _("Enter the score as a number from 0 to 100.")
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=InspectionReport.RESULTS, widget=forms.RadioSelect
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Note"), required=False, max_length=200)
        if not self.is_bound:
            self.initial["visited_on"] = periods.today(tenant)

    def checklist_rows(self):
        return [(item, self[f"item_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def results(self) -> dict:
        return {
            item.pk: {
                "result": self.cleaned_data.get(f"item_{item.pk}"),
                "note": self.cleaned_data.get(f"note_{item.pk}", ""),
            }
            for item in self.items
        }


class EvaluationForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary for management"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Combine the screening and the inspection: strengths, risks, fit with the territory."),
    )
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ContractForm(forms.Form):
    territory = forms.CharField(label=_("Territory"), max_length=200)
    is_exclusive = forms.BooleanField(label=_("Exclusive territory"), required=False)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    deposit = validators.AmountField(label=_("Deposit (CNY)"), allow_zero=True)
    price_terms = forms.CharField(label=_("Price terms"), widget=forms.Textarea(attrs={"rows": 3}))
    settlement_terms = forms.CharField(label=_("Settlement terms"), widget=forms.Textarea(attrs={"rows": 3}))
    special_terms = forms.CharField(
        label=_("Special terms"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("valid_from", "valid_until"):
            validators.date_field(self.fields[name])

    def clean(self):
        cleaned = super().clean()
        # Beside the other fields' errors in the same round (the service asks again).
        starts, ends = cleaned.get("valid_from"), cleaned.get("valid_until")
        if starts and ends and ends <= starts:
            self.add_error("valid_until", _("The contract must end after it starts."))
        return cleaned

    @classmethod
    def initial_for(cls, application, months, today, previous=None):
        if previous is not None:
            return {f: getattr(previous, f) for f in cls.base_fields}
        until = today.replace(year=today.year + months // 12)
        extra = months % 12
        if extra:
            month = until.month + extra
            until = until.replace(
                year=until.year + (month - 1) // 12, month=(month - 1) % 12 + 1, day=min(until.day, 28)
            )
        return {
            "territory": application.territory,
            "is_exclusive": application.wants_exclusive,
            "valid_from": today,
            "valid_until": until - timedelta(days=1),
            "deposit": "50000.00",
            "price_terms": "产品价格执行甲方统一发布的渠道价格表，乙方零售价不得低于甲方规定的最低零售价。",
            "settlement_terms": "按月结算：乙方于每月10日前结清上月货款，返利按季度核算，经甲方财务审核后于次季度首月兑现。",
        }


class BoardFilterForm(forms.Form):
    OPEN = "open"
    state = forms.ChoiceField(label=_("Status"), required=False)
    campaign = forms.ModelChoiceField(label=_("Campaign"), required=False, queryset=Campaign.objects.none())
    channel_type = forms.ChoiceField(label=_("Channel type"), required=False)
    province = forms.ChoiceField(label=_("Region"), required=False)
    owner = PersonChoiceField(label=_("Channel manager"), required=False, queryset=User.objects.none())
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All open")), ("all", _("All"))] + list(State.choices)
        self.fields["campaign"].queryset = Campaign.objects.order_by("-opens_on")
        self.fields["channel_type"].choices = [("", _("All"))] + list(ChannelType.choices)
        self.fields["province"].choices = [("", _("All"))] + [(p, p) for p in provinces]
        self.fields["owner"].queryset = people_with("onboarding.review")
