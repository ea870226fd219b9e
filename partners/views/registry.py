"""The list (filter, sort, page, export), the detail page, the profile PDF, create and edit."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from channelhub import audit, exports, formats, markup, periods
from channelhub.access import tenant_view
from channelhub.documents import render_pdf
from channelhub.forms import add_service_errors
from channelhub.models import User
from channelhub.pagination import page_by_ids
from channelhub.pickers import options_response
from channelhub.roles import Role, can
from partners import services
from partners.access import PARTNER_RELATED, get_partner_for_user, visible_partners
from partners.filters import SORTS, PartnerFilter, order_by
from partners.forms import ContactForm, DocumentForm, PartnerForm, RewardPenaltyForm
from partners.models import (
    ChannelType,
    Partner,
    PartnerStatus,
)

PAGE_SIZE = 25
# The sortable columns the list shows, in SORTS order ("created" sorts without a column).
LIST_COLUMNS = ("name", "type", "tier", "territory", "owner", "status", "credit")
# What a list row shows (templates/partners/list.html), as plain values: the tier's, the
# territory's and the manager's names come from the filter's kept choices
# (partners.filters.filter_choices), so the rows' query joins nothing and builds no model.
LIST_ROW_FIELDS = (
    "pk",
    "name",
    "credit_code",
    "exclusive_territory",
    "channel_type",
    "status",
    "credit_limit",
    "tier_id",
    "region_id",
    "owner_id",
)
CHANNEL_TYPE_LABELS = dict(ChannelType.choices)
STAND_IN_PK = 9876543210123
# partners/_status_badge.html's colours
STATUS_BADGES = {
    PartnerStatus.ACTIVE: "text-bg-success",
    PartnerStatus.SUSPENDED: "text-bg-warning",
    PartnerStatus.PENDING: "text-bg-info",
}
STATUS_LABELS = dict(PartnerStatus.choices)
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


# One row of templates/partners/list.html's table. The list's hottest loop, built here rather
# than in the template: 25 rows of a dozen template variables each were a fifth of the page's
# time. Every value is escaped (channelhub.markup.html).
ROW = (
    '<tr data-testid="partner-row">'
    '<td><a class="fw-semibold text-decoration-none" href="{url}">{name}</a>{exclusive}'
    '<div class="font-monospace small text-body-secondary" title="{credit_code_title}">{credit_code}</div></td>'
    '<td class="text-nowrap">{channel_type}</td>'
    '<td class="text-nowrap">{tier}</td>'
    '<td class="small text-nowrap">{territory}</td>'
    '<td class="text-nowrap">{owner}</td>'
    '<td><span class="badge {badge}" data-testid="partner-status">{status}</span></td>'
    '<td class="text-end text-nowrap">{credit_limit}</td>'
    "</tr>"
)
EXCLUSIVE = (
    '<i class="bi bi-shield-lock text-primary ms-1" role="img" title="{title}" aria-label="{title}"></i>'
)


def list_rows(request, partners, choices) -> list[str]:
    """The table rows of the list page, as HTML, from ``LIST_ROW_FIELDS`` dicts and the filter's
    ``choices``. ``get_FOO_display()`` hashes every choice label at each call: the labels are
    looked up once; one ``reverse()`` with a stand-in id serves every row's link."""
    detail_url = reverse("partners:detail", kwargs={"tenant_slug": request.tenant.slug, "pk": STAND_IN_PK})
    stand_in = str(STAND_IN_PK)
    exclusive = markup.html(EXCLUSIVE, title=_("Exclusive territory"))
    credit_code_title = _("Unified social credit code")
    channel_types = {code: str(label) for code, label in CHANNEL_TYPE_LABELS.items()}
    statuses = {code: str(label) for code, label in STATUS_LABELS.items()}
    tiers, territories, owners = (dict(choices[name]) for name in ("tier", "region", "owner"))
    others = {row["owner_id"] for row in partners if row["owner_id"] and row["owner_id"] not in owners}
    if others:  # managers no longer active (or of another role) still own their partners
        owners.update((user.pk, user.display_name) for user in User.objects.filter(pk__in=others))
    return [
        markup.html(
            ROW,
            url=detail_url.replace(stand_in, str(row["pk"])),
            name=row["name"],
            exclusive=exclusive if row["exclusive_territory"] else "",
            credit_code_title=credit_code_title,
            credit_code=row["credit_code"],
            channel_type=channel_types.get(row["channel_type"], row["channel_type"]),
            tier=tiers.get(row["tier_id"]) or "—",
            territory=territories.get(row["region_id"]) or "—",
            owner=owners.get(row["owner_id"]) or "—",
            badge=STATUS_BADGES.get(row["status"], "text-bg-secondary"),
            status=statuses.get(row["status"], row["status"]),
            credit_limit=formats.money(row["credit_limit"]),
        )
        for row in partners
    ]


def _query(request, *drop) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


@never_cache
@tenant_view("partners.view")
def partner_list(request):
    filterset, queryset, sort, scope, portfolio = _listing(request)
    rows = visible_partners(request).values(*LIST_ROW_FIELDS)
    tenant = request.tenant.pk  # the territory filter counts a region's descendants too
    count_scopes = (f"partners:{tenant}", f"regions:{tenant}")
    page = page_by_ids(queryset, rows, request.GET.get("page"), PAGE_SIZE, count_scopes)
    rows = list_rows(request, page.object_list, filterset.choices)
    base = _query(request, "sort", "page")
    header_columns = SORTS.headers(sort, base, LIST_COLUMNS)
    scope_query = _query(request, "scope", "page")
    return render(
        request,
        "partners/list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "query": _query(request, "page"),
            "export_query": _query(request, "page"),
            "header_columns": header_columns,
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


CHILD_ROWS = ("contacts", "documents", "records")


def record_context(partner, parts=CHILD_ROWS) -> dict:
    """The partner's child rows named in ``parts`` (a query each; the others None), with each
    document's validity."""
    context = {"partner": partner, **dict.fromkeys(CHILD_ROWS)}
    if "documents" in parts:
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
        context["documents"] = documents
    if "contacts" in parts:
        context["contacts"] = list(partner.contacts.all())
    if "records" in parts:
        context["records"] = list(partner.rewards_penalties.select_related("recorded_by"))
    return context


# A tab's content alone, for the page to load when the tab is shown: part -> (permission, template).
PARTS = {
    "contacts": ("partners.view", "partners/_contacts_table.html"),
    "documents": ("partners.view", "partners/_documents_table.html"),
    "records": ("partners.view", "partners/_records_table.html"),
    "timeline": ("partners.view_timeline", "components/timeline.html"),
}


# The add forms on the detail page's tabs: tab -> (context name, permission, template).
ADD_FORMS = {
    "contacts": ("contact_form", "partners.edit", "partners/_contact_form.html"),
    "documents": ("document_form", "partners.upload_document", "partners/_document_form.html"),
    "records": ("record_form", "partners.record_reward_penalty", "partners/_record_form.html"),
}


def add_form(request, tab):
    """A blank add form of the tab."""
    if tab == "contacts":
        return ContactForm(prefix="contact")
    if tab == "documents":
        return DocumentForm(prefix="document", max_mb=request.tenant.upload_limit_mb)
    return RewardPenaltyForm(prefix="record", initial={"date": periods.today()})


def detail_context(request, partner, **overrides) -> dict:
    role = request.membership.role
    waiting = partner.status in (PartnerStatus.SUSPENDED, PartnerStatus.PENDING)
    pending = services.pending_reactivation(partner) if waiting else None
    tab = overrides.get("tab") or request.GET.get("tab", "profile")
    # Only the tab the page opens on comes with its rows; the others are filled when shown
    # (``?part=<tab>``, partners/_part_loader.html): a visit opens one tab of five, and the
    # child rows and the timeline were half of the page's queries.
    context = record_context(partner, parts={tab} & set(CHILD_ROWS))
    context.update(
        {
            "counts": services.child_counts(partner),
            "timeline": audit.timeline_for(partner)
            if tab == "timeline" and can(role, "partners.view_timeline")
            else None,
            "pending_reactivation": pending,
            "actions": status_actions(partner, role, pending),
            "tab": tab,
        }
    )
    # Rendering the three add forms was most of the page's time, and most visits open none:
    # only the shown tab's form comes with the page, and only for a role that may use it; the
    # others load (htmx, ``?form=<tab>``) when their tab is opened.
    for name, (key, permission, _template) in ADD_FORMS.items():
        context[key] = add_form(request, name) if name == tab and can(role, permission) else None
    context.update(overrides)
    return context


@never_cache
@tenant_view("partners.view", model=Partner)
def partner_detail(request, pk):
    partner = get_partner_for_user(request, pk)
    part = request.GET.get("part")
    if part is not None:  # one tab's content alone, loaded when the tab is shown
        if part not in PARTS:
            raise Http404
        permission, template = PARTS[part]
        if not can(request.membership.role, permission):
            raise PermissionDenied
        if part == "timeline":
            context = {"entries": audit.timeline_for(partner)}
        else:
            context = record_context(partner, parts={part})
        return render(request, template, context)
    tab = request.GET.get("form")
    if tab is not None:  # one tab's add form alone, for the page to load when the tab opens
        if tab not in ADD_FORMS:
            raise Http404
        key, permission, template = ADD_FORMS[tab]
        if not can(request.membership.role, permission):
            raise PermissionDenied
        return render(request, template, {"partner": partner, key: add_form(request, tab)})
    return render(request, "partners/detail.html", detail_context(request, partner))


@tenant_view("partners.view", model=Partner)
def partner_profile_pdf(request, pk):
    partner = get_partner_for_user(request, pk)
    context = record_context(partner)
    context.update({"tenant": request.tenant, "generated_at": timezone.localtime()})
    pdf = render_pdf("partners/profile_sheet.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    return exports.attachment(response, exports.download_name(partner.name, "pdf"), inline=True)


# --- the searchable partner picker of every app's forms (channelhub.pickers) ---------------


def _pick_search(queryset, typed):
    return queryset.filter(Q(name__icontains=typed) | Q(credit_code__icontains=typed.upper()))


@tenant_view("partners.view")
def partner_pick(request):
    """Options as the user types: the partners the reader may see, by name or credit code;
    terminated ones only for filters (``?all=1``)."""
    partners = visible_partners(request).only("pk", "name", "credit_code").order_by("name", "pk")
    if request.GET.get("all") != "1":
        partners = partners.exclude(status=PartnerStatus.TERMINATED)
    return options_response(
        request,
        partners,
        search=_pick_search,
        label=lambda partner: f"{partner.name} · {partner.credit_code}",
    )


# --- create and edit -----------------------------------------------------------------------


@tenant_view("partners.edit")
def partner_create(request):
    form = PartnerForm(request.POST or None, user=request.user)
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
    form = PartnerForm(request.POST or None, instance=partner, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.update_partner(
                partner, data=form.cleaned_data, by=request.user, reason=form.cleaned_data.get("reason", "")
            )
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
