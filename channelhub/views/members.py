"""People and roles: the tenant admin manages everybody; a partner admin its own partner's users.

One set of pages for both. What a viewer sees and may change is its scope (``_scope``): the
whole workspace with ``members.view`` / ``members.manage``, its own partner's users with
``members.manage_partner`` — anyone else's membership or invitation is a 404, like another
tenant's. The services check the same scope again (``services.people_scope``).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channelhub import audit, services
from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.forms import InvitationForm, MembershipForm, add_service_errors
from channelhub.models import Invitation, Membership
from channelhub.roles import Role, can

PARTNER_ROLE_CHOICES = [(role.value, role.label) for role in (Role.PARTNER_ADMIN, Role.PARTNER_STAFF)]


class PartnerInvitationForm(InvitationForm):
    """A partner admin's invitation: a partner role, into its own partner (no partner to choose)."""

    def __init__(self, *args, partner, **kwargs):
        self.partner = partner
        super().__init__(*args, **kwargs)
        del self.fields["partner"]
        self.fields["role"].choices = [("", "---------"), *PARTNER_ROLE_CHOICES]

    def clean(self):
        self.cleaned_data["partner"] = self.partner
        return super().clean()


class PartnerMembershipForm(MembershipForm):
    """A partner admin changes a colleague's role (partner admin ↔ partner staff) and access."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["partner"]
        self.fields["role"].choices = PARTNER_ROLE_CHOICES

    def clean(self):
        self.cleaned_data["partner"] = self.instance.partner
        return super().clean()


def _scope(request):
    """``None``: the whole workspace; else the partner whose people this viewer sees."""
    membership = request.membership
    if can(membership.role, "members.view"):
        return None
    if can(membership.role, "members.manage_partner") and membership.partner_id:
        return membership.partner
    raise PermissionDenied


def _may_manage(request, scope) -> bool:
    return can(request.membership.role, "members.manage" if scope is None else "members.manage_partner")


def _in_scope(queryset, scope):
    return queryset if scope is None else queryset.filter(partner=scope)


@tenant_view("members.list")
def member_list(request):
    scope = _scope(request)
    may_manage = _may_manage(request, scope)
    data = request.POST or None
    form = InvitationForm(data) if scope is None else PartnerInvitationForm(data, partner=scope)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                invitation = services.invite_member(
                    tenant=request.tenant, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("member-list", tenant_slug=request.tenant.slug)
    memberships = _in_scope(Membership.objects.select_related("user", "partner"), scope).order_by(
        "role", "user__email"
    )
    invitations = _in_scope(Invitation.objects.pending().select_related("partner", "invited_by"), scope)
    return render(
        request,
        "channelhub/members/list.html",
        {
            "form": form,
            "memberships": memberships,
            "invitations": invitations,
            "invitation_days": settings.INVITATION_VALID_DAYS,
            "scope": scope,
            "may_manage": may_manage,
        },
        status=400 if form.errors else 200,
    )


@tenant_view("members.list", model=Membership)
def member_edit(request, pk):
    scope = _scope(request)
    if not _may_manage(request, scope):
        raise PermissionDenied  # before any row is fetched: the same answer for every id
    membership = get_for_tenant_or_404(
        _in_scope(Membership.objects.select_related("user", "partner"), scope), pk=pk
    )
    data = request.POST or None
    form = (
        MembershipForm(data, instance=membership)
        if scope is None
        else PartnerMembershipForm(data, instance=membership)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.change_membership(
                membership,
                role=form.cleaned_data["role"],
                partner=form.cleaned_data["partner"],
                is_active=form.cleaned_data["is_active"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved the access of %(user)s.") % {"user": membership.user})
            if changed.user_id == request.user.pk and not changed.is_active:
                return redirect("portal-entry")  # no longer a member here
            if changed.user_id == request.user.pk and not can(changed.role, "members.list"):
                return redirect("home", tenant_slug=request.tenant.slug)
            return redirect("member-list", tenant_slug=request.tenant.slug)
    return render(
        request,
        "channelhub/members/edit.html",
        {
            "form": form,
            "membership": membership,
            "scope": scope,
            "is_self": membership.user_id == request.user.pk,
            "timeline": audit.timeline_for(membership),
        },
    )


@require_POST
@tenant_view("members.list", model=Invitation)
def invitation_revoke(request, pk):
    scope = _scope(request)
    if not _may_manage(request, scope):
        raise PermissionDenied
    invitation = get_for_tenant_or_404(_in_scope(Invitation.objects.all(), scope), pk=pk)
    try:
        services.revoke_invitation(invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("member-list", tenant_slug=request.tenant.slug)
