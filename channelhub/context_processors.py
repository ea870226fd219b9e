from django.conf import settings
from django.utils.functional import SimpleLazyObject

from channelhub.models import Membership


def portal(request):
    """The user's workspaces for the tenant switch, fetched only if a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"tenant": None, "membership": None, "my_memberships": [], "nav_sections": []}

    def load():
        return list(
            Membership.all_tenants.filter(user=user, is_active=True, tenant__is_active=True)
            .select_related("tenant")
            .order_by("tenant__name")
        )

    def unread():
        from channelhub.notifications import unread_count

        return unread_count(user) if getattr(request, "tenant", None) is not None else 0

    def sections():
        from channelhub.modules import nav_for

        return nav_for(request)

    return {
        "tenant": getattr(request, "tenant", None),
        "nav_sections": SimpleLazyObject(sections),
        "membership": getattr(request, "membership", None),
        "my_memberships": SimpleLazyObject(load),
        "unread_notifications": SimpleLazyObject(unread),
        "outbox_enabled": settings.OUTBOX_ENABLED,
    }
