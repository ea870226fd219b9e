"""The list (filter, sort, page, export), the detail page, the profile PDF, create and edit."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from channelhub import audit, exports, periods
from channelhub.access import tenant_view
from channelhub.documents import render_pdf
from channelhub.forms import add_service_errors
from channelhub.pagination import page_by_ids
from channelhub.roles import Role, can
from partners import services
from partners.access import PARTNER_RELATED, get_partner_for_user, visible_partners
from partners.filters import SORTS, PartnerFilter, order_by
from partners.forms import ContactForm, DocumentForm, PartnerForm, RewardPenaltyForm
from partners.models import Partner, PartnerStatus

PAGE_SIZE = 25
EXPIRY_WARNING_DAYS = 30


def _listing(request):
    """The filtered, sorted queryset of the list page, with what the page shows about it."""
    membership = request.membership
    queryset = visible_partners(request).select_related(*PARTNER_RELATED)
    portfolio = membership.role == Role.CHANNEL_MANAGER
    scope = request.GET.get("scope") or ("mine" if portfolio else "all")
    if scope not in ("mine", "all"):
        scope = "all"
    if scope == "mine" and not membership.is_partner_user:
        queryset = queryset.filter(owner=request.user)
    filterset = PartnerFilter(request.GET, queryset=queryset, request=request)
    sort, fields = order_by(request.GET.get("sort"))
    return filterset, filterset.qs.order_by(*fields), sort, scope, portfolio


def _query(request, *drop) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


@never_cache
@tenant_view("partners.view")
def partner_list(request):
    filterset, queryset, sort, scope, portfolio = _listing(request)
    rows = visible_partners(request).select_related(*PARTNER_RELATED)
    page = page_by_ids(queryset, rows, request.GET.get("page"), PAGE_SIZE)
    base = _query(request, "sort", "page")
    columns = []
    for key, (label, _fields) in SORTS.items():
        current = sort.lstrip("-") == key
        descending = current and sort.startswith("-")
        target = key if not current or descending else f"-{key}"
        columns.append(
            {
                "key": key,
                "label": label,
                "query": f"{base}&sort={target}" if base else f"sort={target}",
                "current": current,
                "descending": descending,
            }
        )
    scope_query = _query(request, "scope", "page")
    return render(
        request,
        "partners/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": _query(request, "page"),
            "export_query": _query(request, "page"),
            "columns": {column["key"]: column for column in columns},
            "scope": scope,
            "portfolio": portfolio,
            "scope_query": scope_query,
            "filtered": any(request.GET.get(name) for name in filterset.form.fields),
        },
        status=400 if filterset.form.errors else 200,
    )


@tenant_view("partners.export")
def partner_export(request):
    filterset, queryset, _sort, _scope, _portfolio = _listing(request)
    if filterset.form.errors:  # export what the list shows, never more than was asked for
        messages.error(request, _("The filter has errors; nothing was exported."))
        return redirect(
            f"{reverse('partners:list', kwargs={'tenant_slug': request.tenant.slug})}?{_query(request)}"
        )
    headers = [
        _("Legal name"),
        _("Unified social credit code"),
        _("Legal representative"),
        _("Registered capital (CNY)"),
        _("Registered address"),
        _("Channel type"),
        _("Tier"),
        _("Territory"),
        _("Exclusive territory"),
        _("Channel manager"),
        _("Status"),
        _("Bank"),
        _("Account name"),
        _("Account number"),
        _("Credit limit (CNY)"),
        _("Credit rating"),
        _("Created"),
    ]
    yes, no = _("yes"), _("no")
    zone = periods.zone()  # "created" as the tenant's calendar date
    rows = (
        [
            partner.name,
            partner.credit_code,
            partner.legal_representative,
            partner.registered_capital,
            partner.address,
            partner.get_channel_type_display(),
            partner.tier.name if partner.tier_id else "",
            partner.territory,
            yes if partner.exclusive_territory else no,
            partner.owner.display_name if partner.owner_id else "",
            partner.get_status_display(),
            partner.bank_name,
            partner.bank_account_name,
            partner.bank_account_number,
            partner.credit_limit,
            partner.credit_rating,
            timezone.localtime(partner.created_at, zone).strftime("%Y-%m-%d"),
        ]
        for partner in queryset.iterator(chunk_size=2000)
    )
    return exports.xlsx_response(
        headers=headers,
        rows=rows,
        title=_("Partners"),
        filename=f"{_('partners')}-{periods.today():%Y%m%d}.xlsx",
    )


# --- detail --------------------------------------------------------------------------------


def status_actions(partner, role, pending) -> list[dict]:
    """The status buttons this role may use now: the FSM's available transitions, filtered by
    the role rules (reactivation is asked for, then approved by an executive)."""
    available = {t.name for t in partner.get_available_status_transitions()}
    actions = []
    if "suspend" in available and can(role, "partners.change_status"):
        actions.append(
            {"name": "suspend", "url_name": "partners:suspend", "label": _("Suspend"), "style": "warning"}
        )
    if "reactivate" in available and can(role, "partners.request_reactivation") and pending is None:
        actions.append(
            {
                "name": "reactivate",
                "url_name": "partners:request-reactivation",
                "label": _("Ask for admission")
                if partner.status == PartnerStatus.PENDING
                else _("Ask for reactivation"),
                "style": "success",
            }
        )
    if "terminate" in available and can(role, "partners.change_status"):
        actions.append(
            {
                "name": "terminate",
                "url_name": "partners:terminate",
                "label": _("Terminate"),
                "style": "danger",
            }
        )
    return actions


def record_context(partner) -> dict:
    """The partner's child rows (three queries), with each document's validity."""
    today = periods.today()
    documents = list(partner.documents.select_related("file", "uploaded_by"))
    for document in documents:
        if document.expires_on is None:
            document.validity = "permanent"
        elif document.expires_on < today:
            document.validity = "expired"
        elif document.expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            document.validity = "expiring"
        else:
            document.validity = "valid"
    return {
        "partner": partner,
        "contacts": list(partner.contacts.all()),
        "documents": documents,
        "records": list(partner.rewards_penalties.select_related("recorded_by")),
    }


def detail_context(request, partner, **overrides) -> dict:
    role = request.membership.role
    waiting = partner.status in (PartnerStatus.SUSPENDED, PartnerStatus.PENDING)
    pending = services.pending_reactivation(partner) if waiting else None
    context = record_context(partner)
    context.update(
        {
            "timeline": audit.timeline_for(partner) if can(role, "partners.view_timeline") else [],
            "pending_reactivation": pending,
            "actions": status_actions(partner, role, pending),
            "contact_form": ContactForm(prefix="contact"),
            "document_form": DocumentForm(prefix="document", max_mb=request.tenant.upload_limit_mb),
            "record_form": RewardPenaltyForm(prefix="record", initial={"date": periods.today()}),
            "tab": request.GET.get("tab", "profile"),
        }
    )
    context.update(overrides)
    return context


@never_cache
@tenant_view("partners.view", model=Partner)
def partner_detail(request, pk):
    partner = get_partner_for_user(request, pk)
    return render(request, "partners/detail.html", detail_context(request, partner))


@tenant_view("partners.view", model=Partner)
def partner_profile_pdf(request, pk):
    partner = get_partner_for_user(request, pk)
    context = record_context(partner)
    context.update({"tenant": request.tenant, "generated_at": timezone.localtime()})
    pdf = render_pdf("partners/profile_sheet.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{partner.name}.pdf")
    return response


# --- create and edit -----------------------------------------------------------------------


@tenant_view("partners.edit")
def partner_create(request):
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.create_partner(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Created %(name)s.") % {"name": partner.name})
            return redirect("partners:detail", tenant_slug=request.tenant.slug, pk=partner.pk)
    return render(
        request, "partners/edit.html", {"form": form, "partner": None}, status=400 if form.errors else 200
    )


@tenant_view("partners.edit", model=Partner)
def partner_edit(request, pk):
    partner = get_partner_for_user(request, pk)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.update_partner(partner, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if changes:
                messages.success(request, _("Saved %(name)s.") % {"name": partner.name})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("partners:detail", tenant_slug=request.tenant.slug, pk=partner.pk)
    return render(
        request, "partners/edit.html", {"form": form, "partner": partner}, status=400 if form.errors else 200
    )
