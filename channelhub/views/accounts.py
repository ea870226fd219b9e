from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.i18n import set_language as django_set_language

from channelhub import lockout, services
from channelhub.access import public_view
from channelhub.forms import AcceptInvitationForm, LockoutAuthenticationForm, OutboxPasswordResetForm
from channelhub.views.profile import apply_preferred_language


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        # The interface speaks the language the person chose on their profile, from the first page.
        return apply_preferred_language(super().form_valid(form), form.get_user())


login_page = public_view(
    LoginView.as_view(
        template_name="registration/login.html",
        authentication_form=LockoutAuthenticationForm,
        redirect_authenticated_user=True,
    )
)
logout_page = public_view(auth_views.LogoutView.as_view())
password_reset = public_view(
    auth_views.PasswordResetView.as_view(
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
        form_class=OutboxPasswordResetForm,
    )
)
password_reset_done = public_view(auth_views.PasswordResetDoneView.as_view())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever can read the address's mail has chosen a new password: every lock on the
        # address ends, from any IP (the old password an attacker was guessing is gone).
        lockout.lift(form.user.get_username())
        return response


password_reset_confirm = public_view(PasswordResetConfirmView.as_view())
password_reset_complete = public_view(auth_views.PasswordResetCompleteView.as_view())
set_language = public_view(django_set_language)

INVITATION_PROBLEMS = {
    "invalid": gettext_lazy("This invitation link is not valid. Check that you copied the whole link."),
    "expired": gettext_lazy("This invitation has expired. Ask your administrator to send a new one."),
    "accepted": gettext_lazy("This invitation has already been used. Log in with the account it created."),
    "revoked": gettext_lazy("This invitation was withdrawn. Ask your administrator to send a new one."),
    "wrong_user": gettext_lazy(
        "This invitation was sent to another e-mail address. Log out and open the link again."
    ),
    "login_required": gettext_lazy("You already have an account: log in first, then open the link again."),
}


@public_view
@sensitive_post_parameters("password1", "password2")
def accept_invitation(request, token):
    """GET shows the invitation; POST accepts it (mail scanners only GET)."""
    try:
        invitation = services.find_invitation(token)
    except services.InvitationError as problem:
        return _invitation_problem(request, problem)

    existing_user = request.user.is_authenticated
    needs_account = not existing_user and not _account_exists(invitation.email)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email) if needs_account else None

    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if existing_user:
                membership = services.accept_invitation(token, user=request.user)
            elif needs_account:
                membership = services.accept_invitation(
                    token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
                )
                login(request, membership.user, backend="channelhub.backends.ModelBackend")
            else:
                raise services.InvitationError("login_required", invitation)
        except services.InvitationError as problem:
            return _invitation_problem(request, problem)
        messages.success(request, _("Welcome to %(tenant)s.") % {"tenant": membership.tenant.name})
        return redirect("home", tenant_slug=membership.tenant.slug)

    return render(
        request,
        "registration/invitation_accept.html",
        {"invitation": invitation, "form": form, "needs_login": not existing_user and not needs_account},
    )


def _account_exists(email):
    from channelhub.models import User

    return User.objects.filter(email__iexact=email).exists()


def _invitation_problem(request, problem):
    return render(
        request,
        "registration/invitation_problem.html",
        {
            "problem": problem.code,
            "message": INVITATION_PROBLEMS.get(problem.code, INVITATION_PROBLEMS["invalid"]),
        },
        status=410
        if problem.code in {"expired", "accepted", "revoked"}
        else 404
        if problem.code == "invalid"
        else 400,
    )
