"""Workspace settings (tenant admins): default language, upload limit, approval-link validity
and whether governed partner fields change only by filing; with their history."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from channelhub import audit, services
from channelhub.access import tenant_view
from channelhub.forms import add_service_errors
from channelhub.models import Tenant


class WorkspaceSettingsForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = list(services.TENANT_SETTINGS)

    def _post_clean(self):
        pass  # the service applies and checks the values (the model's validators run there)


@tenant_view("tenant.configure")
def workspace_settings(request):
    tenant = request.tenant
    form = WorkspaceSettingsForm(request.POST or None, instance=Tenant(**{
        name: getattr(tenant, name) for name in services.TENANT_SETTINGS
    }))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.update_tenant_settings(tenant, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Workspace settings saved."))
            return redirect("workspace-settings", tenant_slug=tenant.slug)
    history = audit.timeline_for(tenant, limit=50)
    return render(
        request,
        "channelhub/workspace/settings.html",
        {"form": form, "timeline": history},
        status=400 if form.errors else 200,
    )
