"""Forms of the tenant admin's pipeline configuration and of campaigns."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from channelhub import validators
from channelhub.roles import PERMISSIONS, Role
from onboarding.forms.staff import PersonChoiceField, people_with
from onboarding.models import (
    Campaign,
    DocumentRequirement,
    InspectionItem,
    OnboardingSettings,
    ScreeningCriterion,
    TrainingTopic,
)
from partners.models import ChannelType


def _role_choices(permission):
    allowed = PERMISSIONS[permission]
    return [(role.value, role.label) for role in Role if role in allowed]


class SettingsForm(forms.ModelForm):
    step_1 = forms.ChoiceField(label=_("Approval step 1"))
    step_2 = forms.ChoiceField(label=_("Approval step 2"), required=False)
    step_3 = forms.ChoiceField(label=_("Approval step 3"), required=False)

    class Meta:
        model = OnboardingSettings
        fields = ["pass_mark", "inspection_weight", "inspection_days", "approval_days", "contract_months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _role_choices("onboarding.approve")
        self.fields["step_1"].choices = choices
        self.fields["step_2"].choices = self.fields["step_3"].choices = [("", _("(none)"))] + choices
        for index, role in enumerate(self.instance.approval_roles[:3], start=1):
            self.initial[f"step_{index}"] = role

    def clean(self):
        cleaned = super().clean()
        steps = [cleaned.get(f"step_{i}") for i in (1, 2, 3) if cleaned.get(f"step_{i}")]
        if len(set(steps)) != len(steps):
            self.add_error("step_2", _("Each role approves once."))
        self.instance.approval_roles = steps
        return cleaned


class ChannelTypesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", ChannelType.choices)
        super().__init__(*args, **kwargs)


class CriterionForm(forms.ModelForm):
    class Meta:
        model = ScreeningCriterion
        fields = ["order", "name", "description", "weight", "max_score", "is_active"]


class InspectionItemForm(forms.ModelForm):
    class Meta:
        model = InspectionItem
        fields = ["order", "text", "is_active"]


class DocumentRequirementForm(forms.ModelForm):
    channel_types = ChannelTypesField(label=_("Channel types (none ticked: every type)"), required=False)

    class Meta:
        model = DocumentRequirement
        fields = ["order", "code", "label", "help_text", "channel_types", "is_required", "is_active"]


class TrainingTopicForm(forms.ModelForm):
    class Meta:
        model = TrainingTopic
        fields = ["order", "title", "description", "responsible_role", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_role"].choices = _role_choices("onboarding.train")


def row_formset(form_class):
    return forms.modelformset_factory(form_class.Meta.model, form=form_class, extra=1, can_delete=False)


class ContractTemplateForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=100)
    body = forms.CharField(
        label=_("Template text"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace small"}),
    )


class CampaignForm(forms.ModelForm):
    channel_types = ChannelTypesField(label=_("Channel types sought"))

    class Meta:
        model = Campaign
        fields = [
            "title",
            "slug",
            "summary",
            "channel_types",
            "regions",
            "requirements",
            "opens_on",
            "closes_on",
            "owner",
            "is_published",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "requirements": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"owner": PersonChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_with("onboarding.review")
        for name in ("opens_on", "closes_on"):
            validators.date_field(self.fields[name])

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug == "status":
            raise forms.ValidationError(_("This web address is reserved; choose another."))
        if Campaign.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another campaign uses this web address."))
        return slug

    def clean_regions(self):
        """Provinces, cities or 全国, separated by 、 or commas; a province must be a real one
        (the public form holds applicants to the provinces and cities named here)."""
        text = self.cleaned_data["regions"]
        for part in validators.PLACE_SEPARATORS.split(text):
            if part:
                validators.validate_place(part)
        return text

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The campaign must close after it opens."))
        return cleaned
