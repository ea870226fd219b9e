from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from channelhub import lockout
from channelhub.models import Membership
from channelhub.pickers import attach, picker_for
from channelhub.roles import PARTNER_ROLES, Role


def client_ip(request):
    """The client's IP address, the same one the log-in lock-out uses (proxy-aware, see lockout.py)."""
    return lockout.client_ip(request) if request is not None else None


class LockoutMixin:
    """Says "too many attempts" when django-axes refused the attempt or this one reached a limit.

    The counting is axes' (channelhub/lockout.py); the text is the same whether the address has
    an account or not, right or wrong password, and whether the pair or the IP is locked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "locked_out": _("Too many failed log-in attempts. Try again in %(minutes)s minutes."),
        }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        if email:
            self.cleaned_data["username"] = email
        try:
            return super().clean()
        except forms.ValidationError:
            if self.request is not None and getattr(self.request, "axes_locked_out", False):
                minutes = lockout.minutes_left(self.request, {"username": email})
                raise forms.ValidationError(
                    self.error_messages["locked_out"], code="locked_out", params={"minutes": minutes}
                ) from None
            raise


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    """The portal's log-in (/accounts/login/)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or password is not correct."),
    }


class LockoutAdminAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    """The Django admin's log-in (/admin/login/): the same pairs and limits as the portal's."""


def partner_model():
    """The partner registry's model, through the membership's relation (channelhub imports no app)."""
    return Membership._meta.get_field("partner").related_model


class PartnerChoiceMixin:
    def scope_partner_field(self):
        # The tenant-scoped default manager: choices never include another tenant's partners.
        model = partner_model()
        self.fields["partner"].queryset = model.objects.order_by("name")
        attach(self.fields["partner"], picker_for(model))

    def clean(self):
        cleaned = super().clean()
        role, partner = cleaned.get("role"), cleaned.get("partner")
        if role in PARTNER_ROLES and partner is None:
            self.add_error("partner", _("Partner users must belong to a partner."))
        elif role and role not in PARTNER_ROLES:
            cleaned["partner"] = None  # staff belong to no partner
            if isinstance(self, forms.ModelForm):
                self.instance.partner = None
        return cleaned


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, its e-mail through the outbox: the request does not wait on the mail
    server (nor take longer for an address that has an account), and a failed send is retried."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from channelhub.mail import queue_email

        subject = render_to_string(subject_template_name, context)
        body = render_to_string(email_template_name, context)
        queue_email(subject=subject, body=body, to=[to_email], source="password_reset")


class InvitationForm(PartnerChoiceMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    # No default: the most powerful role must never be one careless click away.
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Role.choices])
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=None,
        required=False,
        help_text=_("Required for partner admins and partner staff."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_partner_field()


class MembershipForm(PartnerChoiceMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "partner", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_partner_field()


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            from channelhub.models import User

            try:
                password_validation.validate_password(
                    p1, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: beside its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class SpreadsheetUploadForm(forms.Form):
    """The upload of every Excel import (channelhub.views.imports): an .xlsx within the
    tenant's upload limit, its type checked by content."""

    def __init__(self, *args, max_mb: int, **kwargs):
        from channelhub.files import XLSX, PrivateFileField

        super().__init__(*args, **kwargs)
        self.fields["file"] = PrivateFileField(label=_("Excel file (.xlsx)"), allowed=(XLSX,), max_mb=max_mb)


def date_input() -> forms.DateInput:
    """The browser's date picker; its value must be ISO (YYYY-MM-DD) whatever the language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
