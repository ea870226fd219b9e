from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from channelhub.access import as_seen_by, get_for_tenant_or_404
from channelhub.forms import add_service_errors
from onboarding.models import Application


def get_application(request, pk) -> Application:
    """The application of this tenant (404 for another tenant's or a missing id)."""
    return as_seen_by(
        request,
        get_for_tenant_or_404(
            Application.objects.select_related("campaign", "owner", "inspector", "partner"), pk=pk
        ),
    )


def to_detail(request, app):
    return redirect("onboarding:detail", tenant_slug=request.tenant.slug, pk=app.pk)


def act(request, action, *, success: str, form=None) -> bool:
    """Run a service; its refusals become errors on ``form`` (beside the field they name)
    or, without a form, messages. Returns True when it succeeded."""
    try:
        action()
    except ValidationError as error:
        if form is not None:
            add_service_errors(form, error)
        else:
            for message in error.messages:
                messages.error(request, message)
        return False
    except PermissionDenied:
        messages.error(request, _("This step is not yours to take."))
        return False
    messages.success(request, success)
    return True


def refuse(request, app, message):
    messages.warning(request, message)
    return to_detail(request, app)
