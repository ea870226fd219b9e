from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channelhub import notifications
from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.files import can_view_file
from channelhub.models import Notification, OutboxMessage, StoredFile
from channelhub.notifications import Kind
from channelhub.roles import Role
from channelhub.views.approvals import _serve


@tenant_view("inbox.view")
def inbox(request):
    queryset = Notification.objects.filter(recipient=request.user)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "channelhub/inbox/list.html", {"page": page})


@tenant_view("inbox.view", model=Notification)
def notification_open(request, pk):
    notification = get_for_tenant_or_404(Notification.objects.filter(recipient=request.user), pk=pk)
    notifications.mark_read(notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("inbox", tenant_slug=request.tenant.slug)


@require_POST
@tenant_view("inbox.view")
def inbox_read_all(request):
    notifications.mark_all_read(request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("inbox", tenant_slug=request.tenant.slug)


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, required=False, initial=current[kind.value]
            )


@tenant_view("inbox.view")
def notification_preferences(request):
    current = notifications.email_enabled_map(request.user, Kind.values)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        notifications.set_email_preferences(request.user, form.cleaned_data)
        messages.success(request, _("Your e-mail choices were saved."))
        return redirect("notification-preferences", tenant_slug=request.tenant.slug)
    return render(request, "channelhub/inbox/preferences.html", {"form": form})


@tenant_view("outbox.view")
def outbox(request):
    """The local outbox (embedded mode only): e-mails this workspace sent, links clickable."""
    if not settings.OUTBOX_ENABLED:
        raise Http404
    queryset = OutboxMessage.objects.filter(tenant=request.tenant)
    if request.membership.role != Role.TENANT_ADMIN:
        queryset = queryset.filter(to=request.user.email.lower())
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(request, "channelhub/inbox/outbox.html", {"page": page})


@tenant_view("files.download", model=StoredFile)
def file_download(request, pk):
    stored = get_for_tenant_or_404(StoredFile.objects.select_related("content_type"), pk=pk)
    if not can_view_file(request, stored):
        raise Http404
    return _serve(stored, inline=request.GET.get("inline") == "1")
