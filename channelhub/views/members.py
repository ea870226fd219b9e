from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channelhub import services
from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.forms import InvitationForm, MembershipForm, add_service_errors
from channelhub.models import Invitation, Membership
from channelhub.roles import can


@tenant_view("members.view")
def member_list(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not can(request.membership.role, "members.manage"):
            raise PermissionDenied
        if form.is_valid():
            try:
                invitation = services.invite_user(tenant=request.tenant, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("member-list", tenant_slug=request.tenant.slug)
    memberships = Membership.objects.select_related("user", "partner").order_by("role", "user__email")
    invitations = Invitation.objects.pending().select_related("partner", "invited_by")
    return render(
        request,
        "channelhub/members/list.html",
        {
            "form": form,
            "memberships": memberships,
            "invitations": invitations,
            "invitation_days": settings.INVITATION_VALID_DAYS,
        },
        status=400 if form.errors else 200,
    )


@tenant_view("members.manage", model=Membership)
def member_edit(request, pk):
    membership = get_for_tenant_or_404(Membership.objects.select_related("user"), pk=pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_membership(
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
            return redirect("member-list", tenant_slug=request.tenant.slug)
    return render(request, "channelhub/members/edit.html", {"form": form, "membership": membership})


@require_POST
@tenant_view("members.manage", model=Invitation)
def invitation_revoke(request, pk):
    invitation = get_for_tenant_or_404(Invitation.objects.all(), pk=pk)
    try:
        services.revoke_invitation(invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("member-list", tenant_slug=request.tenant.slug)
