import re
import uuid

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.utils import translation

from channelhub import caching, roles
from channelhub.tenancy import _active_tenant, _unscoped

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (kept from ``X-Request-ID`` if sane) and echoes it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        from channelhub.audit import request_meta

        token = request_meta.set((request.META.get("REMOTE_ADDR"), request.request_id))
        try:
            response = self.get_response(request)
        finally:
            request_meta.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


# The partner status that ends a cooperation (partners.models.PartnerStatus.TERMINATED: channelhub
# imports no app, so the code is named here; tests/channelhub/test_ended_partner.py holds them equal).
PARTNER_ENDED = "terminated"


class TenantMiddleware:
    """Resolves ``/t/<tenant_slug>/…`` to the tenant and the user's membership in it.

    Unknown slugs and tenants the user does not belong to are the same 404, so a
    URL never confirms that a tenant exists. The slug is removed from the view's
    keyword arguments: views read ``request.tenant`` and ``request.membership``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        # Roles looked up during the request are remembered until it ends (roles.role_of).
        request._tenant_tokens = [(roles._remembered, roles._remembered.set({}))]
        if request.path_info.startswith("/admin/"):
            # Platform operators work across tenants; the admin site checks is_staff.
            request._tenant_tokens.append((_unscoped, _unscoped.set(True)))
        try:
            return self.get_response(request)
        finally:
            for var, token in reversed(request._tenant_tokens):
                var.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.pop("tenant_slug", None)
        if slug is None or not request.user.is_authenticated:
            return None  # the view's access rule sends anonymous users to log in
        from channelhub.models import Membership

        # All the user's workspaces in one query: the URL's is the request's membership, the
        # list is the shell's workspace switch (context_processors.portal), no second query.
        # A partner user's partner loads when asked for (joining it for everyone cost more
        # than the query it saves them). Kept in the shared cache until the user, one of their
        # memberships or any workspace changes (channelhub.caching).
        user = request.user
        memberships = caching.kept(
            f"workspaces:{user.pk}",
            (f"user:{user.pk}", "tenants"),
            lambda: list(
                Membership.all_tenants.select_related("tenant")
                .filter(user_id=user.pk, is_active=True, tenant__is_active=True)
                .order_by("tenant__name", "pk")
            ),
        )
        for each in memberships:  # their user is the request's: no join, no query
            Membership.user.field.set_cached_value(each, user)
        membership = next((m for m in memberships if m.tenant.slug == slug), None)
        if membership is None:
            # A terminated partner's users (their membership ended with it) are told so on the
            # workspace page; anyone else cannot tell this workspace from one that does not exist.
            if Membership.all_tenants.filter(
                user=request.user, tenant__slug=slug, is_active=False, partner__status=PARTNER_ENDED
            ).exists():
                return redirect("choose-tenant")
            raise Http404("No such workspace")
        request.membership = membership
        request.active_memberships = memberships
        request.tenant = membership.tenant
        roles._remembered.get()[(request.user.pk, membership.tenant_id)] = membership.role
        request._tenant_tokens.append((_active_tenant, _active_tenant.set(membership.tenant)))
        return None


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    codes = {c for c, _ in settings.LANGUAGES}
    return code if code in codes else None


class LanguageMiddleware:
    """Chooses the interface language: the user's switch (cookie), else the tenant's default.

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language, so
    Simplified Chinese is the default whatever the browser says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)) or settings.LANGUAGE_CODE
        self._activate(request, language)
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        translation.deactivate()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) is None and request.tenant is not None:
            self._activate(request, _supported(request.tenant.default_language) or settings.LANGUAGE_CODE)

    @staticmethod
    def _activate(request, language):
        translation.activate(language)
        request.LANGUAGE_CODE = language
