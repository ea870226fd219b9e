from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from channelhub import caching, modules
from channelhub.access import login_view, public_view, tenant_view
from channelhub.middleware import PARTNER_ENDED
from channelhub.models import Membership
from channelhub.roles import Role, can

# What each role's home page offers: the tiles every app registered (channelhub.modules).
# Modules not built yet are listed as such, plainly.
MODULES = modules.TILES

ROLE_GREETING = {
    Role.TENANT_ADMIN: _("Configure the workspace: people, roles and settings."),
    Role.CHANNEL_MANAGER: _("Your partners, applications and filings."),
    Role.CHANNEL_SUPERVISOR: _("Reviews and approvals waiting for you."),
    Role.EXECUTIVE: _("Final approvals and the channel at a glance."),
    Role.CLERK: _("Approved filings waiting to be recorded."),
    Role.MARKETING: _("Promotion plans and market support."),
    Role.TECH_SUPPORT: _("Partner training and technical tickets."),
    Role.AFTER_SALES: _("Escalated tickets, complaints and follow-up visits."),
    Role.FINANCE: _("Settlement, credit limits and rebates."),
    Role.PARTNER_ADMIN: _("Your company's orders, filings and tickets, and your colleagues' access."),
    Role.PARTNER_STAFF: _("Your company's orders, filings and tickets."),
}


def modules_for(role: str) -> list[modules.Tile]:
    """The module cards a role sees on its home page; live ones carry a URL name."""
    return modules.tiles_for(role)


def ended_partner_memberships(user) -> list[Membership]:
    """The user's partner memberships that ended because their partner's cooperation ended (a
    terminated partner's users are deactivated): they are told so, not "ask for an invitation"."""
    return list(
        Membership.all_tenants.filter(
            user=user, is_active=False, tenant__is_active=True, partner__status=PARTNER_ENDED
        )
        .select_related("tenant", "partner")
        .order_by("tenant__name")
    )


@never_cache
@login_view
def entry(request):
    """``/``: straight to the only workspace, or a choice between several."""
    memberships = list(
        Membership.all_tenants.filter(user=request.user, is_active=True, tenant__is_active=True)
        .select_related("tenant")
        .order_by("tenant__name")
    )
    if len(memberships) == 1:
        return redirect("home", tenant_slug=memberships[0].tenant.slug)
    return render(
        request,
        "channelhub/choose_tenant.html",
        {"memberships": memberships, "ended": ended_partner_memberships(request.user)},
    )


@never_cache
@tenant_view("portal.home")
def home(request):
    membership = request.membership
    context = {
        "modules": (tiles := modules_for(membership.role)),
        "modules_coming": any(not module.url_name for module in tiles),
        "greeting": ROLE_GREETING.get(membership.role, ""),
        "member_count": caching.kept(
            f"member-count:{request.tenant.pk}",
            (f"members:{request.tenant.pk}",),
            lambda: Membership.objects.filter(is_active=True).count(),
        )
        if can(membership.role, "members.view")
        else None,
    }
    return render(request, "channelhub/home.html", context)


@public_view
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public_view
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the real icon."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
