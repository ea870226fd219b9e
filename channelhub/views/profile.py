"""My profile (user menu → "My profile"): name, phone, preferred language, e-mail choices, password.

Everyone has one, staff and partner users alike; it is reached inside a workspace (the e-mail
choices are per workspace) and changes only the person's own account.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from channelhub import notifications, services
from channelhub.access import tenant_view
from channelhub.notifications import Kind
from channelhub.validators import PhoneFormField  # the shared phone field: cleans to E.164 text


def remember_language(response, language: str):
    """Make ``language`` the interface language of this browser (the language switch's cookie);
    blank: forget the choice, so the workspace's default applies."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
        )
    return response


def apply_preferred_language(response, user):
    """After log-in: the interface speaks the person's preferred language, if they chose one."""
    if getattr(user, "language", ""):
        remember_language(response, user.language)
    return response


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Your name"), max_length=100)
    phone = PhoneFormField(label=gettext_lazy("Phone"), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Preferred language"),
        required=False,
        help_text=gettext_lazy("Used for the portal after you log in and for the e-mails sent to you."),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        default = dict(settings.LANGUAGES).get(tenant.default_language, tenant.default_language)
        self.fields["language"].choices = [
            ("", _("The workspace's default (%(language)s)") % {"language": default}),
            *settings.LANGUAGES,
        ]

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name


@tenant_view("profile.edit")
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        tenant=request.tenant,
        initial={"full_name": user.full_name, "phone": user.phone, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        services.update_profile(user, **form.cleaned_data)
        # Said in the language the next page speaks: the one just chosen.
        with translation.override(user.language or request.tenant.default_language):
            messages.success(request, _("Your profile was saved."))
        response = redirect("profile", tenant_slug=request.tenant.slug)
        return remember_language(response, user.language)
    email_choices = notifications.email_enabled_map(user, Kind.values)
    return render(
        request,
        "channelhub/profile/profile.html",
        {
            "form": form,
            "email_kinds": [(label, email_choices[kind]) for kind, label in Kind.choices],
        },
        status=400 if form.errors else 200,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change in the portal's look; the session is kept (update_session_auth_hash)."""

    template_name = "channelhub/profile/password.html"

    @method_decorator(sensitive_post_parameters("old_password", "new_password1", "new_password2"))
    def dispatch(self, *args, **kwargs):
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed. You are still logged in here."))
        return response

    def get_success_url(self):
        return reverse("profile", kwargs={"tenant_slug": self.request.tenant.slug})


password_change = tenant_view("profile.edit")(PasswordChangeView.as_view())
