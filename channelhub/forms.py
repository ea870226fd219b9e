from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channelhub.models import FailedLogin, Membership
from channelhub.roles import PARTNER_ROLES, Role


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


class LockoutAuthenticationForm(AuthenticationForm):
    """Log-in that refuses an address after repeated failures within a window."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or password is not correct."),
        "locked_out": _("Too many failed attempts for this account. Try again in %(minutes)s minutes."),
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        if email:
            self.cleaned_data["username"] = email
            window_start = timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
            recent = FailedLogin.objects.filter(email=email, attempted_at__gte=window_start).order_by(
                "attempted_at"
            )
            if recent.count() >= settings.LOGIN_FAILURE_LIMIT:
                oldest = recent.first().attempted_at
                remaining = oldest + timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES) - timezone.now()
                minutes = max(1, int(remaining.total_seconds() // 60) + 1)
                raise forms.ValidationError(
                    self.error_messages["locked_out"], code="locked_out", params={"minutes": minutes}
                )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                FailedLogin.objects.create(email=email, ip_address=client_ip(self.request))
            raise
        FailedLogin.objects.filter(email=email).delete()
        return cleaned


def partner_model():
    """The partner registry's model, through the membership's relation (channelhub imports no app)."""
    return Membership._meta.get_field("partner").related_model


class PartnerChoiceMixin:
    def scope_partner_field(self):
        # The tenant-scoped default manager: choices never include another tenant's partners.
        self.fields["partner"].queryset = partner_model().objects.order_by("name")

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
