"""The one place that says what each role may do.

Views declare the permission they need (``@tenant_view("members.manage")``);
templates ask ``membership|can:"members.manage"``; services call ``require()``.
A permission not listed here is granted to nobody (default deny).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TENANT_ADMIN = "tenant_admin", _("Tenant admin")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    CHANNEL_SUPERVISOR = "channel_supervisor", _("Channel supervisor")
    EXECUTIVE = "executive", _("Executive")
    CLERK = "clerk", _("Channel department clerk")
    MARKETING = "marketing", _("Marketing")
    TECH_SUPPORT = "tech_support", _("Technical support")
    AFTER_SALES = "after_sales", _("After-sales service")
    FINANCE = "finance", _("Finance")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_STAFF = "partner_staff", _("Partner staff")


PARTNER_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_STAFF})
STAFF_ROLES = frozenset(set(Role) - PARTNER_ROLES)
EVERYONE = frozenset(Role)

R = Role
PERMISSIONS: dict[str, frozenset[Role]] = {
    # Portal shell
    "portal.home": EVERYONE,
    "portal.switch_tenant": EVERYONE,
    "inbox.view": EVERYONE,
    "outbox.view": EVERYONE,  # embedded mode only; admins see every message, others their own
    "files.download": EVERYONE,  # then the owning record's own access check
    "approvals.view": STAFF_ROLES,
    # Tenant administration
    "members.view": frozenset({R.TENANT_ADMIN}),
    "members.manage": frozenset({R.TENANT_ADMIN}),
    "tenant.configure": frozenset({R.TENANT_ADMIN}),
    # Modules (pages arrive with their issues; the rules are settled here now)
    "partners.view": STAFF_ROLES | PARTNER_ROLES,
    "partners.edit": frozenset({R.TENANT_ADMIN, R.CHANNEL_MANAGER}),
    "partners.change_status": frozenset({R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.TENANT_ADMIN}),
    "partners.request_reactivation": frozenset({R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR}),
    "partners.import": frozenset({R.TENANT_ADMIN, R.CHANNEL_MANAGER}),
    "partners.export": frozenset(
        {R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.EXECUTIVE, R.FINANCE}
    ),
    "partners.upload_document": frozenset({R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.PARTNER_ADMIN}),
    "partners.record_reward_penalty": frozenset({R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR}),
    "partners.view_timeline": STAFF_ROLES,  # internal history; partner users see their record only
    # Admission pipeline (docs/onboarding.md): see the board, act on a step, configure.
    "onboarding.view": frozenset(
        {R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.EXECUTIVE, R.TECH_SUPPORT}
    ),
    "onboarding.review": frozenset({R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.TENANT_ADMIN}),
    "onboarding.inspect": frozenset({R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.TECH_SUPPORT}),
    "onboarding.approve": frozenset({R.EXECUTIVE, R.CHANNEL_SUPERVISOR}),  # roles an approval step may name
    "onboarding.contract": frozenset({R.CHANNEL_MANAGER, R.TENANT_ADMIN}),
    "onboarding.countersign": frozenset({R.CHANNEL_SUPERVISOR}),
    "onboarding.campaigns": frozenset({R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.TENANT_ADMIN}),
    "onboarding.configure": frozenset({R.TENANT_ADMIN}),
    "onboarding.training": PARTNER_ROLES  # partner users see their own checklist
    | frozenset({R.CHANNEL_MANAGER, R.MARKETING, R.TECH_SUPPORT, R.AFTER_SALES}),
    "onboarding.train": frozenset({R.CHANNEL_MANAGER, R.MARKETING, R.TECH_SUPPORT, R.AFTER_SALES}),
    "filings.submit": frozenset({R.CHANNEL_MANAGER, R.PARTNER_ADMIN}),
    "filings.approve": frozenset({R.CHANNEL_SUPERVISOR}),
    "filings.record": frozenset({R.CLERK}),
    # New channel filings are the channel manager's (a partner files changes of its own channel only).
    "filings.submit_new": frozenset({R.CHANNEL_MANAGER}),
    # Filings (seed 002): who reads filings and the register; partner users only their own partner's.
    "filings.view": frozenset(
        {R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.EXECUTIVE, R.CLERK} | PARTNER_ROLES
    ),
    "filings.export": frozenset(
        {R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.EXECUTIVE, R.CLERK}
    ),
    # Customer registration (客户报备): partners register their own; managers see conflicts and orders.
    "customers.view": frozenset({R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR} | PARTNER_ROLES),
    "customers.register": frozenset({R.CHANNEL_MANAGER} | PARTNER_ROLES),
    "customers.manage": frozenset({R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR}),
    "orders.place": PARTNER_ROLES,
    "orders.manage": frozenset({R.CHANNEL_MANAGER, R.FINANCE, R.TENANT_ADMIN}),
    "pricing.manage": frozenset({R.CHANNEL_MANAGER, R.MARKETING, R.TENANT_ADMIN}),
    "pricing.approve": frozenset({R.CHANNEL_SUPERVISOR, R.EXECUTIVE}),
    "aftersales.handle": frozenset({R.AFTER_SALES, R.TECH_SUPPORT}),
    "aftersales.submit": PARTNER_ROLES,
    "evaluations.view": frozenset({R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.EXECUTIVE, R.TENANT_ADMIN}),
    "rebates.approve": frozenset({R.FINANCE}),
}


def can(role: str | None, permission: str) -> bool:
    if role is None:
        return False
    allowed = PERMISSIONS.get(permission)
    if allowed is None:
        return False
    return role in allowed


def is_partner_role(role: str) -> bool:
    return role in PARTNER_ROLES
