"""The countersignature's confirmation: the supervisor ticks an explicit box on a page that says
what countersigning does, so the company's signature is never one stray click."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CountersignForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the signed contract and countersign it on behalf of the company."),
        required=True,
        error_messages={"required": _("Tick the box to confirm the countersignature.")},
    )
