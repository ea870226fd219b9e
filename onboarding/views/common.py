from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from channelhub.access import get_for_tenant_or_404
from onboarding.models import Application


def get_application(request, pk) -> Application:
    """The application of this tenant (404 for another tenant's or a missing id).
    Also primes the role cache the transition permissions read."""
    request.user.__dict__.setdefault("_tenant_roles", {})[request.tenant.pk] = request.membership.role
    return get_for_tenant_or_404(
        Application.objects.select_related("campaign", "owner", "inspector", "partner"), pk=pk
    )


def to_detail(request, app):
    return redirect("onboarding:detail", tenant_slug=request.tenant.slug, pk=app.pk)


def act(request, app, action, *, success: str, form=None):
    """Run a service; its refusals become a message (or errors on ``form``).
    Returns True when it succeeded."""
    try:
        action()
    except ValidationError as error:
        if form is not None:
            from channelhub.forms import add_service_errors

            add_service_errors(form, error)
        else:
            for message in error.messages:
                messages.error(request, message)
        return False
    except PermissionDenied:
        from django.utils.translation import gettext as _

        messages.error(request, _("This step is not yours to take."))
        return False
    messages.success(request, success)
    return True


def refuse(request, app, message):
    messages.warning(request, message)
    return to_detail(request, app)
