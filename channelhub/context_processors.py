from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe

from channelhub.models import Membership
from channelhub.roles import Role

# The shell's fragments by everything they show. The sidebar (shown twice per page: desktop and
# phone) and the top bar were most of the shell's rendering, and the same nav is the same
# markup: each is built once per process and kept. Bounded: cleared when full. Not kept with
# DEBUG on, where the templates may change under a running server.
_FRAGMENTS: dict = {}
_FRAGMENTS_MAX = 4096


def rendered_once(template: str, key: tuple, context: dict) -> str:
    """``template`` rendered with ``context``, kept under ``key``, which must name everything
    the fragment shows (a SafeString: the template escaped what it shows)."""
    full_key = (template, key)
    html = _FRAGMENTS.get(full_key)
    if html is None:
        html = render_to_string(template, context)
        if not settings.DEBUG:
            if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
                _FRAGMENTS.clear()
            _FRAGMENTS[full_key] = html
    return html


def sidebar_html(request, sections, unread) -> str:
    key = (
        request.tenant.slug,
        translation.get_language(),
        unread,
        # the entries themselves (frozen dataclasses: compared by their fields), and their marks
        tuple((str(section.heading), tuple(section.entries)) for section in sections),
    )
    return rendered_once(
        "components/sidebar.html",
        key,
        {"request": request, "nav_sections": sections, "unread_notifications": unread},
    )


# What changes from one request to the next in a kept top bar: filled in after it is taken.
_CSRF_HOLE, _PATH_HOLE, _SIDEBAR_HOLE = "\u2e28csrf\u2e29", "\u2e28path\u2e29", "\u2e28sidebar\u2e29"


def topbar_html(request, membership, memberships, sidebar) -> str:
    """components/topbar.html for this request: kept by the workspace, the language, the user's
    name and rights, their role and partner here and their workspaces; the CSRF token (masked
    anew each time), the current path (the language switch returns to it) and the phone's copy
    of the sidebar go into the kept markup."""
    user, tenant = getattr(request, "user", None), getattr(request, "tenant", None)
    key = (
        translation.get_language(),
        (user.pk, user.display_name, user.is_staff) if user is not None and user.is_authenticated else None,
        (tenant.pk, tenant.slug, tenant.name) if tenant is not None else None,
        (membership.pk, membership.role, membership.partner.name if membership.partner_id else "")
        if membership is not None
        else None,
        tuple((m.tenant_id, m.tenant.slug, m.tenant.name, m.role) for m in memberships)
        if tenant is not None
        else (),
    )
    html = rendered_once(
        "components/topbar.html",
        key,
        {
            "request": request,
            "user": user,
            "tenant": tenant,
            "membership": membership,
            "my_memberships": memberships if tenant is not None else (),
            "csrf_token": _CSRF_HOLE,
            "next_path": _PATH_HOLE,
            "mobile_sidebar": mark_safe(_SIDEBAR_HOLE),  # noqa: S308 — a fixed marker
        },
    )
    filled = (
        html.replace(_CSRF_HOLE, get_token(request))  # letters and digits
        .replace(_PATH_HOLE, escape(request.get_full_path()))
        .replace(_SIDEBAR_HOLE, str(sidebar) if membership is not None else "")
    )
    return mark_safe(filled)  # noqa: S308 — kept markup escaped by its template, the holes above


ROLE_LABELS = dict(Role.choices)


def with_role_labels(memberships):
    """``role_label`` on each membership: the shell names roles in the workspace switch and the
    user menu, and ``get_role_display()`` hashes all eleven role labels at every call."""
    for membership in memberships:
        membership.role_label = ROLE_LABELS.get(membership.role, membership.role)
    return memberships


def portal(request):
    """The user's workspaces for the tenant switch, fetched only if a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "tenant": None,
            "membership": None,
            "my_memberships": [],
            "nav_sections": [],
            "sidebar": "",
            "topbar": SimpleLazyObject(lambda: topbar_html(request, None, (), "")),
        }

    def load():
        known = getattr(request, "active_memberships", None)  # TenantMiddleware's, same order
        if known is None:
            known = list(
                Membership.all_tenants.filter(user=user, is_active=True, tenant__is_active=True)
                .select_related("tenant")
                .order_by("tenant__name")
            )
        return with_role_labels(known)

    counted = []

    def unread():
        if not counted:
            from channelhub.notifications import unread_count

            counted.append(unread_count(user) if getattr(request, "tenant", None) is not None else 0)
        return counted[0]

    def sections():
        from channelhub.modules import nav_for

        return nav_for(request)

    nav_sections = SimpleLazyObject(sections)
    unread_notifications = SimpleLazyObject(unread)

    def sidebar():
        if getattr(request, "tenant", None) is None:
            return ""
        return sidebar_html(request, nav_sections, unread())

    membership = getattr(request, "membership", None)
    if membership is not None:
        with_role_labels([membership])
    my_memberships = SimpleLazyObject(load)
    sidebar_fragment = SimpleLazyObject(sidebar)

    def topbar():
        return topbar_html(request, membership, my_memberships, sidebar_fragment)

    return {
        "tenant": getattr(request, "tenant", None),
        "nav_sections": nav_sections,
        "sidebar": sidebar_fragment,
        "topbar": SimpleLazyObject(topbar),
        "membership": membership,
        "my_memberships": my_memberships,
        "unread_notifications": unread_notifications,
        "outbox_enabled": settings.OUTBOX_ENABLED,
    }
