from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from channelhub.models import Membership
from channelhub.roles import Role

# The sidebar's HTML by everything it shows: the tenant (its URLs), the language, the entries
# with their active marks, the unread count. It is shown twice per page (desktop and phone)
# and was most of the shell's rendering; the same nav is the same markup, so it is built once
# per process and kept. Bounded: cleared when full. Not kept with DEBUG on, where the
# template may change under a running server.
_SIDEBARS: dict = {}
_SIDEBARS_MAX = 2048


def sidebar_html(request, sections, unread) -> str:
    key = (
        request.tenant.slug,
        translation.get_language(),
        unread,
        # the entries themselves (frozen dataclasses: compared by their fields), and their marks
        tuple((str(section.heading), tuple(section.entries)) for section in sections),
    )
    html = _SIDEBARS.get(key)
    if html is None:
        html = render_to_string(  # a SafeString: the template escaped what it shows
            "components/sidebar.html",
            {"request": request, "nav_sections": sections, "unread_notifications": unread},
        )
        if not settings.DEBUG:
            if len(_SIDEBARS) >= _SIDEBARS_MAX:
                _SIDEBARS.clear()
            _SIDEBARS[key] = html
    return html


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
        return {"tenant": None, "membership": None, "my_memberships": [], "nav_sections": [], "sidebar": ""}

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
    return {
        "tenant": getattr(request, "tenant", None),
        "nav_sections": nav_sections,
        "sidebar": SimpleLazyObject(sidebar),
        "membership": membership,
        "my_memberships": SimpleLazyObject(load),
        "unread_notifications": unread_notifications,
        "outbox_enabled": settings.OUTBOX_ENABLED,
    }
