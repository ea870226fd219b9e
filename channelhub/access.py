"""Access rules for portal views: every URL declares one (default deny).

``tenant_view(permission)`` — a member of the URL's tenant whose role has the
permission (roles.py). ``public_view`` — anyone. ``login_view`` — any logged-in
user, outside a tenant. The URL walk test fails on a view without a rule.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from channelhub import roles


@dataclass(frozen=True)
class AccessRule:
    kind: str  # "tenant", "public", "login"
    permission: str | None = None
    model: type[Model] | None = None  # the object a URL's id refers to, for the isolation test


def tenant_view(permission: str, *, model: type[Model] | None = None):
    if permission not in roles.PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}: add it to channelhub/roles.py")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.membership is None:
                raise Http404
            if not roles.can(request.membership.role, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = AccessRule("tenant", permission, model)
        return wrapped

    return decorator


def public_view(view):
    view.access_rule = AccessRule("public")
    return view


def login_view(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.access_rule = AccessRule("login")
    return wrapped


def get_for_tenant_or_404(queryset: QuerySet, **lookup):
    """Fetch from a tenant-scoped queryset; a foreign or missing row is the same 404.

    Tenant scope only: narrow the queryset first (``restrict_to_partner``) where
    partner users must see only their own partner's rows.
    """
    from channelhub.tenancy import get_current_tenant

    tenant = get_current_tenant()
    if tenant is None:
        raise Http404
    return get_object_or_404(queryset.filter(tenant=tenant), **lookup)


def as_seen_by(request, obj):
    """A posted action form's ``seen_state`` (the state the page showed) noted on ``obj``, so the
    runner names who changed it meanwhile (channelhub.workflow.as_seen); for access functions."""
    from channelhub import workflow

    if request.method == "POST":
        workflow.as_seen(obj, request.POST.get(workflow.SEEN_STATE))
    return obj


def restrict_to_partner(request, queryset: QuerySet, field: str = "partner") -> QuerySet:
    """Partner users see only their own partner's rows."""
    membership = request.membership
    if membership is not None and membership.is_partner_user:
        return queryset.filter(**{field: membership.partner_id})
    return queryset
