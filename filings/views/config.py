"""Tenant settings of the filings module (tenant admins): deadlines, protection, attachments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.forms import add_service_errors
from filings import services
from filings.forms import FilingSettingsForm, RequiredAttachmentForm
from filings.models import RequiredAttachment
from partners.models import ChannelType


def _to_settings(request):
    return redirect("filings:settings", tenant_slug=request.tenant.slug)


@tenant_view("tenant.configure")
def settings_page(request):
    posted = request.POST.get("form")
    form = FilingSettingsForm(
        request.POST if posted == "settings" else None, instance=services.get_settings()
    )
    add_form = RequiredAttachmentForm(request.POST if posted == "attachment" else None)
    if posted == "settings" and form.is_valid():
        try:
            services.update_settings(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Filing settings saved."))
            return _to_settings(request)
    if posted == "attachment" and add_form.is_valid():
        try:
            services.add_required_attachment(data=add_form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(add_form, error)
        else:
            messages.success(request, _("Required attachment added."))
            return _to_settings(request)
    labels = dict(ChannelType.choices)
    requirements = list(RequiredAttachment.objects.order_by("kind", "sort_order", "pk"))
    for requirement in requirements:
        requirement.type_labels = [labels.get(code, code) for code in requirement.channel_types]
    return render(
        request,
        "filings/settings.html",
        {"form": form, "add_form": add_form, "requirements": requirements},
        status=400 if form.errors or add_form.errors else 200,
    )


@require_POST
@tenant_view("tenant.configure", model=RequiredAttachment)
def requirement_toggle(request, pk):
    requirement = get_for_tenant_or_404(RequiredAttachment.objects.all(), pk=pk)
    services.toggle_required_attachment(requirement, by=request.user)
    return _to_settings(request)
