"""The filing register (备案台账): search, filter, page, export to Excel; a filing's record as PDF."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from channelhub import approvals, exports, periods
from channelhub.access import tenant_view
from channelhub.documents import render_pdf
from channelhub.files import files_of
from filings import checks, partner_fields, presenters, services
from filings.access import filings_for, get_filing_for_user, may_view_filing, timeline_seen_by
from filings.forms import FilingFilter
from filings.models import Filing, FilingState

PAGE_SIZE = 25
S = FilingState


def _filtered(request):
    today = periods.today()
    queryset = filings_for(request).order_by("-record_year", "-record_seq", "-created_at", "-pk")
    filterset = FilingFilter(
        request.GET or None, queryset=queryset, today=today, membership=request.membership
    )
    return filterset, today


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@never_cache
@tenant_view("filings.view")
def register(request):
    filterset, today = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    soon = services.get_settings().remind_days_before
    rows = [(filing, _flags(filing, today, soon)) for filing in page.object_list]
    return render(
        request,
        "filings/register.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "query": _query_without_page(request),
            "today": today,
        },
    )


def _flags(filing, today, soon_days: int) -> list[str]:
    flags = []
    if filing.state == S.APPROVED and filing.record_due and filing.record_due < today:
        flags.append(_("Recording overdue"))
    if (
        filing.state in (S.SUBMITTED, S.RETURNED, S.APPROVED)
        and filing.valid_until
        and filing.valid_until < today
    ):
        flags.append(_("Validity ended"))
    elif filing.state in (S.SUBMITTED, S.RETURNED, S.APPROVED) and filing.valid_until:
        if (filing.valid_until - today).days <= soon_days:
            flags.append(_("Validity ends soon"))
    return flags


@tenant_view("filings.approve")
def to_approve(request):
    return redirect(f"{_list_url(request)}?state={S.SUBMITTED}")


@tenant_view("filings.record")
def to_record(request):
    return redirect(f"{_list_url(request)}?state={S.APPROVED}")


def _list_url(request):
    from django.urls import reverse

    return reverse("filings:list", kwargs={"tenant_slug": request.tenant.slug})


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@tenant_view("filings.export")
def export(request):
    """The register as it is filtered, as an Excel workbook (channelhub.exports)."""
    filterset, today = _filtered(request)
    soon = services.get_settings().remind_days_before
    headers = [
        _("Record number"),
        _("Kind"),
        _("Partner / new channel"),
        _("Status"),
        _("Filed by"),
        _("Submitted at"),
        _("Valid until"),
        _("Approved by"),
        _("Approved at"),
        _("Recorded by"),
        _("Recorded at"),
        _("Effective at"),
        _("Reason / basic situation"),
        _("Changes"),
        _("Flags"),
    ]
    filings = list(filterset.qs)
    names = partner_fields.display_cache(filings)  # territory, tier: one query each, not one a row
    rows = (
        [
            filing.record_number or f"#{filing.pk}",
            filing.get_kind_display(),
            filing.subject_name,
            filing.get_state_display(),
            filing.created_by.display_name,
            _local(filing.submitted_at),
            filing.valid_until.isoformat() if filing.valid_until else "",
            filing.approved_by.display_name if filing.approved_by_id else "",
            _local(filing.approved_at),
            filing.recorded_by.display_name if filing.recorded_by_id else "",
            _local(filing.recorded_at),
            _local(filing.effective_at),
            filing.reason or filing.basic_situation,
            "; ".join(f"{label}: {old} → {new}" for _n, label, old, new in presenters.diff(filing, names)),
            ", ".join(_flags(filing, today, soon)),
        ]
        for filing in filings
    )
    return exports.xlsx_response(
        headers=headers,
        rows=rows,
        title=_("Filing register"),
    )


@tenant_view("filings.view", model=Filing)
def record_pdf(request, pk):
    """The filing's record (备案记录) as PDF, with Chinese text in Noto Sans CJK SC."""
    filing = get_filing_for_user(request, pk)
    if not may_view_filing(request, filing):
        raise Http404
    approval = approvals.latest_request(filing)
    context = {
        "tenant": request.tenant,
        "filing": filing,
        "content_rows": presenters.content_rows(filing, with_diff=False),
        "diff": presenters.diff(filing),
        "files": list(files_of(filing)),
        "requirements": checks.required_attachments(filing),
        "steps": list(approval.steps.select_related("decided_by")) if approval else [],
        "timeline": [e for e in timeline_seen_by(request, filing) if e.kind == "activity"],
        "printed_at": timezone.now(),
        "printed_by": request.user,
    }
    pdf = render_pdf("filings/documents/record.html", context, language=request.LANGUAGE_CODE)
    response = HttpResponse(pdf, content_type="application/pdf")
    exports.attachment(
        response,
        exports.download_name(filing.record_number or _("Filing %(pk)s") % {"pk": filing.pk}, "pdf"),
        inline=True,
    )
    response["Cache-Control"] = "private, no-store"
    return response
