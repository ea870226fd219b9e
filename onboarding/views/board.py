"""The pipeline board: applications by status with counts and ageing, filters, Excel export."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from channelhub import exports, periods
from channelhub.access import tenant_view
from channelhub.pagination import page_by_ids
from channelhub.validators import format_phone
from onboarding.forms.staff import BoardFilterForm
from onboarding.models import (
    CLOSED_STATES,
    DEADLINE_STATES,
    OPEN_STATES,
    PIPELINE,
    Application,
    State,
)

PAGE_SIZE = 50
# Only what a board row shows: the application is wide (seed fields, long texts).
_PERSON = ("full_name", "first_name", "last_name", "email")
BOARD_COLUMNS = (
    "tenant_id",
    "company_name",
    "submitted_at",
    "channel_type",
    "province",
    "city",
    "district",
    "state",
    "state_changed_at",
    "due_on",
    "campaign__title",
    *(f"owner__{f}" for f in _PERSON),
    *(f"inspector__{f}" for f in _PERSON),
)


def _board_query(request):
    provinces = sorted(
        p for p in Application.objects.order_by().values_list("province", flat=True).distinct() if p
    )
    form = BoardFilterForm(request.GET or None, provinces=provinces)
    filtered = Application.objects.all()
    state = ""
    if form.is_valid():
        data = form.cleaned_data
        state = data["state"]
        if data["campaign"]:
            filtered = filtered.filter(campaign=data["campaign"])
        if data["channel_type"]:
            filtered = filtered.filter(channel_type=data["channel_type"])
        if data["province"]:
            filtered = filtered.filter(province=data["province"])
        if data["owner"]:
            filtered = filtered.filter(owner=data["owner"])
        if data["q"]:
            q = data["q"].strip()
            filtered = filtered.filter(
                Q(company_name__icontains=q) | Q(credit_code__icontains=q.upper()) | Q(city__icontains=q)
            )
    if state == "all":
        rows = filtered
    elif state:
        rows = filtered.filter(state=state)
    else:
        rows = filtered.filter(state__in=OPEN_STATES)
    return form, filtered, rows, state


@tenant_view("onboarding.view")
def board(request):
    form, filtered, rows, state = _board_query(request)
    today = periods.today(request.tenant)
    counts = {
        row["state"]: row
        for row in filtered.order_by()
        .values("state")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(state__in=DEADLINE_STATES, due_on__lt=today)))
    }
    columns = [
        {
            "state": s,
            "label": s.label,
            "count": counts.get(s, {}).get("n", 0),
            "overdue": counts.get(s, {}).get("overdue", 0),
            "closed": s in CLOSED_STATES,
        }
        for s in [*PIPELINE, State.REJECTED, State.WITHDRAWN]
    ]
    page = page_by_ids(
        rows.order_by("state_changed_at", "pk"),
        rows.select_related("campaign", "owner", "inspector").only(*BOARD_COLUMNS),
        request.GET.get("page"),
        PAGE_SIZE,
    )
    now = timezone.now()
    for app in page:
        app.days = app.days_in_state(now)
        app.overdue = app.is_overdue(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "onboarding/board.html",
        {
            "form": form,
            "columns": columns,
            "open_total": sum(c["count"] for c in columns if not c["closed"]),
            "overdue_total": sum(c["overdue"] for c in columns),
            "page": page,
            "state": state,
            "query": query.urlencode(),
            "export_query": query.urlencode(),
        },
    )


EXPORT_COLUMNS = [
    ("reference", lambda a: a.reference),
    ("company_name", lambda a: a.company_name),
    ("credit_code", lambda a: a.credit_code),
    ("channel_type", lambda a: str(a.get_channel_type_display())),
    ("territory", lambda a: a.territory),
    ("campaign", lambda a: a.campaign.title),
    ("state", lambda a: str(a.get_state_display())),
    ("days", None),
    ("due_on", lambda a: a.due_on),
    ("owner", lambda a: a.owner.display_name if a.owner_id else ""),
    ("review_score", lambda a: float(a.review_score) if a.review_score is not None else None),
    ("inspection_score", lambda a: float(a.inspection_score) if a.inspection_score is not None else None),
    ("contact", lambda a: f"{a.contact_name} {format_phone(a.contact_phone)}".strip()),
    ("submitted_at", lambda a: timezone.localtime(a.submitted_at).replace(tzinfo=None)),
]


@tenant_view("onboarding.view")
def export(request):
    """The board's rows (all pages, same filters) as an Excel workbook."""
    _form, _filtered, rows, _state = _board_query(request)
    headers = {
        "reference": _("Reference"),
        "company_name": _("Company"),
        "credit_code": _("Unified social credit code"),
        "channel_type": _("Channel type"),
        "territory": _("Territory"),
        "campaign": _("Campaign"),
        "state": _("Status"),
        "days": _("Days in status"),
        "due_on": _("Due"),
        "owner": _("Channel manager"),
        "review_score": _("Screening score"),
        "inspection_score": _("Inspection score"),
        "contact": _("Contact"),
        "submitted_at": _("Submitted at"),
    }
    now = timezone.now()
    applications = (
        rows.select_related("campaign", "owner").order_by("state_changed_at", "pk").iterator(chunk_size=2000)
    )
    return exports.xlsx_response(
        headers=[headers[key] for key, _getter in EXPORT_COLUMNS],
        rows=(
            [app.days_in_state(now) if getter is None else getter(app) for _key, getter in EXPORT_COLUMNS]
            for app in applications
        ),
        title=_("Applications"),
    )
