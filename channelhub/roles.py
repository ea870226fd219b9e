"""The one place that says what each role may do, and the helpers that ask it.

Views declare the permission they need (``@tenant_view("members.manage")``);
templates ask ``membership|can:"members.manage"``; services call ``require(by, ...)``;
FSM transitions declare ``permission=workflow.may("...")``. A permission not listed
here is granted to nobody (default deny).

Helpers (use these; do not query memberships for roles by hand):

- ``role_of(user, tenant_id)`` — the user's role in a tenant (``None`` for no active
  membership). Remembered for the rest of a request or task (``remembered_roles``).
- ``require(actor, permission, tenant_id=None)`` — ``PermissionDenied`` unless the actor
  (a Membership, or a User in ``tenant_id`` / the active tenant) holds the permission.
- ``partner_of(user, tenant_id)`` / ``partner_users(partner_id)`` — the partner a user
  belongs to (``None`` for staff) / the active users of a partner.
- ``members_with(*roles)`` / ``members_may(permission)`` — active users of the active
  tenant holding one of the roles / a staff role with the permission (``member_users``:
  the same as a queryset, for form choices).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext
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
    # People and roles: the tenant admin sees and changes everybody; a partner admin only its own
    # partner's users, with partner roles (docs/tenancy-and-roles.md, "Partner admins").
    "members.view": frozenset({R.TENANT_ADMIN}),
    "members.manage": frozenset({R.TENANT_ADMIN}),
    "members.manage_partner": frozenset({R.PARTNER_ADMIN}),
    "members.list": frozenset({R.TENANT_ADMIN, R.PARTNER_ADMIN}),  # the pages; each sees its own scope
    "profile.edit": EVERYONE,  # one's own name, phone, language and password
    "tenant.configure": frozenset({R.TENANT_ADMIN}),
    # Modules (pages arrive with their issues; the rules are settled here now)
    "partners.view": STAFF_ROLES | PARTNER_ROLES,
    "partners.edit": frozenset({R.TENANT_ADMIN, R.CHANNEL_MANAGER}),
    # Territory, channel type, tier and bank account change through a recorded change filing;
    # where the tenant keeps that rule (Tenant.partner_changes_by_filing) only the tenant admin
    # may change them directly, with a reason on the timeline.
    "partners.edit_governed": frozenset({R.TENANT_ADMIN}),
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
    # The clerk sends an approved filing that cannot be recorded back to its filer, with a reason.
    "filings.send_back": frozenset({R.CLERK}),
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
    # Correct one's own registration while it is open; a partner withdraws its own (managers release).
    "customers.edit": frozenset({R.CHANNEL_MANAGER} | PARTNER_ROLES),
    "customers.withdraw": PARTNER_ROLES,
    # The catalogue (orders module): everyone reads it (partners order from it); marketing and
    # the tenant admin keep it.
    "catalogue.view": STAFF_ROLES | PARTNER_ROLES,
    "catalogue.manage": frozenset({R.TENANT_ADMIN, R.MARKETING}),
    "catalogue.export": STAFF_ROLES,
    "orders.place": PARTNER_ROLES,
    # Orders (docs/orders.md): partners see their own; the company's order desk confirms, rejects
    # and cancels; finance decides credit holds and books payments.
    "orders.view": frozenset(
        {R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.EXECUTIVE, R.FINANCE} | PARTNER_ROLES
    ),
    "orders.draft": PARTNER_ROLES | frozenset({R.CHANNEL_MANAGER}),  # a manager orders for a partner
    "orders.manage": frozenset({R.CHANNEL_MANAGER, R.FINANCE, R.TENANT_ADMIN}),
    "orders.ship": frozenset({R.CHANNEL_MANAGER, R.TENANT_ADMIN}),  # allocates and ships
    "orders.receive": PARTNER_ROLES,  # confirms receipt of its own shipments
    "orders.credit": frozenset({R.FINANCE, R.EXECUTIVE}),  # roles a credit-hold approval step names
    "orders.receivables": frozenset({R.FINANCE}),
    # Stock and sell-out reports, monitoring and planning (docs/orders.md, "Inventory"): partners
    # report their own and see their own monitoring rows; the channel side and planners see all.
    "inventory.report": PARTNER_ROLES,
    "inventory.view": frozenset(
        {R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.EXECUTIVE, R.MARKETING} | PARTNER_ROLES
    ),
    "inventory.plan": frozenset(
        {R.TENANT_ADMIN, R.CHANNEL_MANAGER, R.CHANNEL_SUPERVISOR, R.EXECUTIVE, R.MARKETING}
    ),
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


# (user id, tenant id) -> role, for the current request or task; None outside one (no memory).
_remembered: ContextVar[dict | None] = ContextVar("channelhub_roles", default=None)


@contextmanager
def remembered_roles(known: dict | None = None):
    """Remember roles looked up inside the block (TenantMiddleware wraps each request,
    seeding it with the request's own membership, so that costs no query)."""
    token = _remembered.set(dict(known or {}))
    try:
        yield
    finally:
        _remembered.reset(token)


def forget_roles() -> None:
    """A membership changed: later look-ups in this request or task ask the database again."""
    remembered = _remembered.get()
    if remembered is not None:
        remembered.clear()


def role_of(user, tenant_id) -> str | None:
    """The role of ``user`` in tenant ``tenant_id`` (an active membership), else ``None``."""
    if user is None or not getattr(user, "is_authenticated", False) or tenant_id is None:
        return None
    remembered = _remembered.get()
    key = (user.pk, tenant_id)
    if remembered is not None and key in remembered:
        return remembered[key]
    from channelhub.models import Membership

    role = (
        Membership.all_tenants.filter(user_id=user.pk, tenant_id=tenant_id, is_active=True)
        .values_list("role", flat=True)
        .first()
    )
    if remembered is not None:
        remembered[key] = role
    return role


def require(actor, permission: str, tenant_id=None) -> None:
    """Refuse (``PermissionDenied``) unless ``actor`` holds ``permission``.

    ``actor`` is a Membership (its own role counts) or a User, whose role is looked up in
    ``tenant_id`` — by default the active tenant.
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}: add it to channelhub/roles.py")
    from channelhub.models import Membership

    if isinstance(actor, Membership):
        role = actor.role if actor.is_active else None
    else:
        if tenant_id is None:
            from channelhub.tenancy import get_current_tenant

            tenant = get_current_tenant()
            tenant_id = tenant.pk if tenant is not None else None
        role = role_of(actor, tenant_id)
    if not can(role, permission):
        raise PermissionDenied(gettext("Your role may not do this."))


def partner_of(user, tenant_id) -> int | None:
    """The partner (id) whose user ``user`` is in tenant ``tenant_id``; ``None`` for staff and
    for no active membership."""
    if user is None or not getattr(user, "is_authenticated", False) or tenant_id is None:
        return None
    from channelhub.models import Membership

    return (
        Membership.all_tenants.filter(user_id=user.pk, tenant_id=tenant_id, is_active=True)
        .values_list("partner_id", flat=True)
        .first()
    )


def partner_users(partner_id) -> list:
    """The active users of a partner (its members with a partner role)."""
    from channelhub.models import Membership, User

    holders = Membership.objects.filter(partner_id=partner_id, is_active=True).values("user_id")
    return list(User.objects.filter(pk__in=holders, is_active=True).order_by("email"))


def member_users(*wanted):
    """Active users of the active tenant holding any of the roles ``wanted``, as a User
    queryset (for form choices and subqueries); ``members_with`` is the same as a list."""
    from channelhub.models import Membership, User

    if len(wanted) == 1 and not isinstance(wanted[0], str):
        wanted = tuple(wanted[0])
    holders = Membership.objects.filter(role__in=wanted, is_active=True).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True)


def members_with(*wanted) -> list:
    """Active users of the active tenant holding any of the roles ``wanted``, by e-mail."""
    return list(member_users(*wanted).order_by("email"))


def members_may(permission: str) -> list:
    """Active staff of the active tenant whose role has ``permission``."""
    return members_with(*sorted(PERMISSIONS[permission] - PARTNER_ROLES))
