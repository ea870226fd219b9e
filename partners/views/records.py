"""Status changes, contacts, qualification documents, rewards and penalties."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channelhub.access import get_for_tenant_or_404, restrict_to_partner, tenant_view
from channelhub.forms import add_service_errors
from partners import services
from partners.access import get_partner_for_user
from partners.forms import ContactForm, DocumentForm, ReasonForm, RewardPenaltyForm
from partners.models import Partner, PartnerContact, PartnerStatus
from partners.views.registry import detail_context

STATUS_PAGES = {
    "suspend": {
        "service": services.suspend_partner,
        "title": lambda: _("Suspend the partner"),
        "text": lambda: _(
            "A suspended partner keeps its record but may not do business until an executive approves its "
            "reactivation. Its channel manager and its administrators are told."
        ),
        "button": lambda: _("Suspend"),
        "style": "warning",
        "done": lambda: _("%(name)s is suspended."),
    },
    "terminate": {
        "service": services.terminate_partner,
        "title": lambda: _("Terminate the cooperation"),
        "text": lambda: _("Termination is final: a terminated partner cannot be reactivated."),
        "button": lambda: _("Terminate"),
        "style": "danger",
        "done": lambda: _("%(name)s is terminated."),
    },
    "reactivate": {
        "service": services.request_reactivation,
        "title": lambda: _("Ask for reactivation"),
        "text": lambda: _(
            "An executive decides. The partner becomes active again when the request is approved."
        ),
        "button": lambda: _("Send to an executive"),
        "style": "success",
        "done": lambda: _("The reactivation of %(name)s waits for an executive's approval."),
    },
    # The same request for a partner pending admission (created by a new channel filing).
    "admit": {
        "service": services.request_reactivation,
        "title": lambda: _("Ask for admission"),
        "text": lambda: _(
            "An executive decides. The partner becomes active, and may do business, when the request "
            "is approved."
        ),
        "button": lambda: _("Send to an executive"),
        "style": "success",
        "done": lambda: _("The admission of %(name)s waits for an executive's approval."),
    },
}


def _status_page(request, pk, action):
    partner = get_partner_for_user(request, pk)
    if action == "reactivate" and partner.status == PartnerStatus.PENDING:
        action = "admit"
    page = STATUS_PAGES[action]
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            page["service"](partner, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, page["done"]() % {"name": partner.name})
            return redirect("partners:detail", tenant_slug=request.tenant.slug, pk=partner.pk)
    context = {
        "partner": partner,
        "form": form,
        "action": action,
        "title": page["title"](),
        "text": page["text"](),
        "button": page["button"](),
        "style": page["style"],
    }
    return render(request, "partners/status_change.html", context, status=400 if form.errors else 200)


@tenant_view("partners.change_status", model=Partner)
def partner_suspend(request, pk):
    return _status_page(request, pk, "suspend")


@tenant_view("partners.change_status", model=Partner)
def partner_terminate(request, pk):
    return _status_page(request, pk, "terminate")


@tenant_view("partners.request_reactivation", model=Partner)
def partner_request_reactivation(request, pk):
    return _status_page(request, pk, "reactivate")


def _back_to(request, partner, tab):
    url = reverse("partners:detail", kwargs={"tenant_slug": request.tenant.slug, "pk": partner.pk})
    return redirect(f"{url}?tab={tab}")


@require_POST
@tenant_view("partners.edit", model=Partner)
def contact_add(request, pk):
    partner = get_partner_for_user(request, pk)
    form = ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            contact = services.save_contact(partner, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": contact.name})
            return _back_to(request, partner, "contacts")
    context = detail_context(request, partner, contact_form=form, tab="contacts")
    return render(request, "partners/detail.html", context, status=400)


@tenant_view("partners.edit", model=PartnerContact)
def contact_edit(request, pk):
    contacts = restrict_to_partner(request, PartnerContact.objects.select_related("partner"))
    contact = get_for_tenant_or_404(contacts, pk=pk)
    partner = contact.partner
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact(partner, data=form.cleaned_data, by=request.user, contact=contact)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": contact.name})
            return _back_to(request, partner, "contacts")
    return render(
        request,
        "partners/contact_edit.html",
        {"form": form, "contact": contact, "partner": partner},
        status=400 if form.errors else 200,
    )


@require_POST
@tenant_view("partners.upload_document", model=Partner)
def document_add(request, pk):
    partner = get_partner_for_user(request, pk)
    form = DocumentForm(request.POST, request.FILES, prefix="document", max_mb=request.tenant.upload_limit_mb)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_document(
                partner,
                uploaded=data["file"],
                kind=data["kind"],
                number=data["number"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The document was added."))
            return _back_to(request, partner, "documents")
    context = detail_context(request, partner, document_form=form, tab="documents")
    return render(request, "partners/detail.html", context, status=400)


@require_POST
@tenant_view("partners.record_reward_penalty", model=Partner)
def reward_penalty_add(request, pk):
    partner = get_partner_for_user(request, pk)
    form = RewardPenaltyForm(request.POST, prefix="record")
    if form.is_valid():
        try:
            services.record_reward_penalty(partner, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded."))
            return _back_to(request, partner, "records")
    context = detail_context(request, partner, record_form=form, tab="records")
    return render(request, "partners/detail.html", context, status=400)
