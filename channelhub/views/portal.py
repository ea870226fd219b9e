from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from channelhub.access import login_view, public_view, tenant_view
from channelhub.models import Membership
from channelhub.roles import Role, can

# What each role's home page offers. Modules not built yet are listed as such, plainly.
MODULES = [
    {
        "key": "partners",
        "title": _("Partner registry"),
        "icon": "people",
        "permission": "partners.view",
        "text": _("Partner records, documents, status and timeline."),
        "url_name": "partner-list",
    },
    {
        "key": "onboarding",
        "title": _("Admission pipeline"),
        "icon": "person-plus",
        "permission": "onboarding.view",
        "text": _("Recruitment, applications, site inspections, contracts."),
        "url_name": "onboarding:board",
    },
    {
        "key": "onboarding_training",
        "title": _("Onboarding training"),
        "icon": "mortarboard",
        "permission": "onboarding.training",
        "text": _("New partners' training checklists: culture, products, sales, operation, after-sales."),
        "url_name": "onboarding:training",
    },
    {
        "key": "filings",
        "url_name": "filings:list",
        "title": _("Filings"),
        "icon": "journal-check",
        "permission": "filings.submit",
        "text": _("New, change and termination filings and the filing register."),
    },
    {
        "key": "filings_approve",
        "url_name": "filings:to-approve",
        "title": _("Filings to approve"),
        "icon": "check2-square",
        "permission": "filings.approve",
        "text": _("Check filings for completeness and compliance."),
    },
    {
        "key": "filings_record",
        "url_name": "filings:to-record",
        "title": _("Filing register"),
        "icon": "archive",
        "permission": "filings.record",
        "text": _("Record approved filings and keep the register."),
    },
    {
        "key": "customers",
        "title": _("Customer registrations"),
        "icon": "person-vcard",
        "permission": "customers.view",
        "url_name": "filings:customer-list",
        "text": _("Register end customers before working them; protection and conflicts."),
    },
    {
        "key": "orders",
        "title": _("Orders and inventory"),
        "icon": "box-seam",
        "permission": "orders.manage",
        "text": _("Confirm, allocate and ship partner orders; watch stock levels."),
    },
    {
        "key": "orders_partner",
        "title": _("My orders"),
        "icon": "cart",
        "permission": "orders.place",
        "text": _("Place orders, confirm receipt and report inventory."),
    },
    {
        "key": "pricing",
        "title": _("Pricing"),
        "icon": "tags",
        "permission": "pricing.manage",
        "text": _("Price lists, price changes and promotion plans."),
    },
    {
        "key": "pricing_approve",
        "title": _("Price approvals"),
        "icon": "patch-check",
        "permission": "pricing.approve",
        "text": _("Approve price changes and promotions."),
    },
    {
        "key": "aftersales",
        "title": _("After-sales"),
        "icon": "tools",
        "permission": "aftersales.handle",
        "text": _("Service tickets, complaints and follow-up visits."),
    },
    {
        "key": "aftersales_partner",
        "title": _("Service tickets"),
        "icon": "life-preserver",
        "permission": "aftersales.submit",
        "text": _("Record customer requests and escalate them."),
    },
    {
        "key": "evaluations",
        "title": _("Evaluations"),
        "icon": "graph-up",
        "permission": "evaluations.view",
        "text": _("Targets, quarterly scores, rewards and rebates."),
    },
    {
        "key": "rebates",
        "title": _("Rebate approval"),
        "icon": "cash-coin",
        "permission": "rebates.approve",
        "text": _("Approve and settle rebates; credit limits."),
    },
]

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


def modules_for(role: str) -> list[dict]:
    """The module cards a role sees on its home page; live ones carry a URL name."""
    return [module for module in MODULES if can(role, module["permission"])]


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
    return render(request, "channelhub/choose_tenant.html", {"memberships": memberships})


@never_cache
@tenant_view("portal.home")
def home(request):
    membership = request.membership
    context = {
        "modules": (modules := modules_for(membership.role)),
        "modules_coming": any(not module.get("url_name") for module in modules),
        "greeting": ROLE_GREETING.get(membership.role, ""),
        "member_count": Membership.objects.filter(is_active=True).count()
        if can(membership.role, "members.view")
        else None,
    }
    return render(request, "channelhub/home.html", context)


@public_view
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
