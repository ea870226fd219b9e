"""Tenant settings of the filings module (tenant admins): deadlines, protection, attachments."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channelhub import audit
from channelhub.access import get_for_tenant_or_404, tenant_view
from filings import services
from filings.forms import FilingSettingsForm, RequiredAttachmentForm
from filings.models import RequiredAttachment
from partners.models import ChannelType


def _to_settings(request):
    return redirect("filings:settings", tenant_slug=request.tenant.slug)


@tenant_view("tenant.configure")
def settings_page(request):
    current = services.get_settings()
    before = {f: getattr(current, f) for f in FilingSettingsForm.Meta.fields}
    posted = request.POST.get("form")
    form = FilingSettingsForm(request.POST if posted == "settings" else None, instance=current)
    add_form = RequiredAttachmentForm(request.POST if posted == "attachment" else None)
    if posted == "settings" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            after = {f: getattr(saved, f) for f in FilingSettingsForm.Meta.fields}
            audit.record(
                saved, "filings.settings_changed", actor=request.user, changes=audit.diff(before, after)
            )
        messages.success(request, _("Filing settings saved."))
        return _to_settings(request)
    if posted == "attachment" and add_form.is_valid():
        with transaction.atomic():
            requirement = add_form.save()
            audit.record(
                requirement, "filings.attachment_required", actor=request.user, comment=requirement.label
            )
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
    with transaction.atomic():
        RequiredAttachment.objects.filter(pk=requirement.pk).update(is_active=not requirement.is_active)
        audit.record(
            requirement,
            "filings.attachment_enabled" if not requirement.is_active else "filings.attachment_disabled",
            actor=request.user,
            comment=requirement.label,
        )
    return _to_settings(request)
