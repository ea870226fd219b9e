"""A filing's pages: the three forms, the detail page and its actions.

Every action (attach, submit, withdraw, record) posts a form; when the form is invalid or
the service refuses, the detail page comes back (400) with the errors beside the fields
they name, the rest at the top, and what was typed kept. Success redirects to the page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from channelhub import approvals, periods
from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.files import files_of
from channelhub.forms import add_service_errors
from channelhub.views.approvals import may_open_approval
from filings import checks, partner_fields, presenters, services
from filings.access import (
    get_filing_for_user,
    may_edit_filing,
    may_record_filing,
    may_send_back_filing,
    may_view_filing,
    may_withdraw_filing,
    timeline_seen_by,
)
from filings.forms import (
    AttachmentForm,
    ChangeFilingForm,
    NewFilingForm,
    NoteForm,
    PartnerPickForm,
    ReasonForm,
    SubmitForm,
    TerminationFilingForm,
    _partner_queryset,
)
from filings.models import Filing, FilingKind, FilingState

K, S = FilingKind, FilingState


def _to_detail(request, filing):
    return redirect("filings:detail", tenant_slug=request.tenant.slug, pk=filing.pk)


def _picked_partner(request):
    """The partner a change or termination is about (?partner= or the form's hidden field)."""
    pk = request.POST.get("partner") or request.GET.get("partner")
    if not pk or not str(pk).isdigit():
        return None
    return get_for_tenant_or_404(_partner_queryset(request.membership), pk=pk)


def _kind_form(request, kind, *, filing=None, partner=None):
    data = request.POST if request.method == "POST" else None
    if kind == K.NEW:
        return NewFilingForm(data, filing=filing)
    if kind == K.CHANGE:
        return ChangeFilingForm(data, partner=partner, filing=filing)
    initial = None if filing else {"termination_date": None}
    return TerminationFilingForm(data, instance=filing, initial=initial, today=periods.today())


def _proposed(kind, form) -> dict:
    return form.partner_values() if kind in (K.NEW, K.CHANGE) else {}


def _form_page(request, kind, form, *, filing=None, partner=None, status=200):
    context = {
        "kind": kind,
        "kind_label": dict(K.choices)[kind],
        "form": form,
        "filing": filing,
        "partner": partner,
        "own_fields": [form[name] for name in getattr(form, "OWN_FIELDS", [])],
        "partner_form_fields": [form[spec.name] for spec in getattr(form, "partner_specs", [])],
    }
    if kind == K.CHANGE:
        context["diff"] = _diff_of(form, partner)
    if kind == K.TERMINATION and partner is not None:
        context["impact_rows"] = presenters.impact_rows(checks.termination_impact(partner))
    return render(request, "filings/form.html", context, status=400 if form.errors else status)


def _diff_of(form, partner):
    """The diff as the form stands: bound values when posted, else the initial ones."""
    current = partner_fields.snapshot(partner)
    proposed = {}
    for spec in form.partner_specs:
        bound = form[spec.name]
        if form.is_bound:
            try:
                value = form.fields[spec.name].clean(bound.value())
            except ValidationError:
                continue
        else:
            value = form.fields[spec.name].initial
        proposed[spec.name] = spec.to_json(value)
    return partner_fields.diff_rows(current, proposed)


@never_cache
@tenant_view("filings.submit_new")
def new_channel(request):
    form = _kind_form(request, K.NEW)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.create_filing(
                kind=K.NEW, by=request.user, fields=form.own_values(), proposed=form.partner_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Add the attachments, then submit it for approval."))
            return _to_detail(request, filing)
    return _form_page(request, K.NEW, form)


def _new_for_partner(request, kind):
    partner = _picked_partner(request)
    if partner is None:
        pick = PartnerPickForm(request.GET or None, membership=request.membership)
        return render(
            request,
            "filings/pick_partner.html",
            {"pick": pick, "kind": kind, "kind_label": dict(K.choices)[kind]},
        )
    form = _kind_form(request, kind, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.create_filing(
                kind=kind,
                by=request.user,
                partner=partner,
                fields=form.own_values(),
                proposed=_proposed(kind, form),
                by_partner=request.membership.is_partner_user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Check it, then submit it for approval."))
            return _to_detail(request, filing)
    return _form_page(request, kind, form, partner=partner)


@never_cache
@tenant_view("filings.submit")
def new_change(request):
    return _new_for_partner(request, K.CHANGE)


@never_cache
@tenant_view("filings.submit")
def new_termination(request):
    return _new_for_partner(request, K.TERMINATION)


@tenant_view("filings.submit")
def change_preview(request):
    """htmx: the field-by-field diff of the change form as it is being filled in."""
    partner = _picked_partner(request)
    if partner is None:
        raise Http404
    form = ChangeFilingForm(request.POST or None, partner=partner)
    return render(request, "filings/_diff.html", {"diff": _diff_of(form, partner), "live": True})


@never_cache
@tenant_view("filings.submit", model=Filing)
def edit(request, pk):
    filing = get_filing_for_user(request, pk)
    if not may_edit_filing(request, filing):
        messages.warning(request, _("This filing cannot be edited now."))
        return _to_detail(request, filing)
    form = _kind_form(request, filing.kind, filing=filing, partner=filing.partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_filing(
                filing, by=request.user, fields=form.own_values(), proposed=_proposed(filing.kind, form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return _to_detail(request, filing)
    return _form_page(request, filing.kind, form, filing=filing, partner=filing.partner)


@never_cache
@tenant_view("filings.view", model=Filing)
def detail(request, pk, *, forms=None, status=200):
    """The filing; ``forms``: an action's bound form (by name) coming back with its errors."""
    forms = forms or {}
    filing = get_filing_for_user(request, pk)
    if not may_view_filing(request, filing):
        raise Http404
    today = periods.today()
    editable = may_edit_filing(request, filing)
    approval = approvals.latest_request(filing)
    checklist = (
        checks.checklist(filing, today=today, anonymous=request.membership.is_partner_user)
        if filing.state in (S.DRAFT, S.RETURNED, S.SUBMITTED, S.APPROVED)
        else None
    )
    may_record = may_record_filing(request, filing)
    files = list(files_of(filing).select_related("uploaded_by"))
    requirements = checks.required_attachments(filing)
    required_codes = {r.code for r in requirements}
    stale = checks.stale_fields(filing) if filing.kind == K.CHANGE and filing.state == S.APPROVED else {}
    context = {
        "filing": filing,
        "content_rows": presenters.content_rows(filing, with_diff=False),
        "diff": presenters.diff(filing),
        "checklist": checklist,
        "attachments": [(r, [f for f in files if f.kind == r.code]) for r in requirements],
        "other_files": [f for f in files if f.kind not in required_codes],
        # The button to the approval only for those its page lets in (the page's own rule).
        "approval": approval if approval is not None and may_open_approval(request, approval) else None,
        "timeline": timeline_seen_by(request, filing),
        "editable": editable,
        "may_submit": editable,
        "may_withdraw": filing.state in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED)
        and may_withdraw_filing(request, filing),
        "may_record": may_record,
        "may_send_back": may_send_back_filing(request, filing),
        # Approved, but recording would be refused: the clerk sees why and sends it back.
        "blocked": may_record and checklist is not None and not checklist.passed,
        "attachment_form": forms.get("attach")
        or AttachmentForm(requirements=requirements, max_mb=request.tenant.upload_limit_mb),
        "note_form": forms.get("record") or NoteForm(),
        "withdraw_form": forms.get("withdraw") or ReasonForm(),
        "send_back_form": forms.get("send_back") or ReasonForm(prefix="send_back"),
        # What an action was refused for, beyond its fields: shown at the top, whichever form it was.
        "refused": [error for form in forms.values() for error in form.non_field_errors()],
        "stale": stale,
        "today": today,
        "record_overdue": filing.state == S.APPROVED and filing.record_due and filing.record_due < today,
    }
    return render(request, "filings/detail.html", context, status=status)


@require_POST
@tenant_view("filings.submit", model=Filing)
def attach(request, pk):
    filing = get_filing_for_user(request, pk)
    if not may_edit_filing(request, filing):
        raise PermissionDenied
    form = AttachmentForm(
        request.POST,
        request.FILES,
        requirements=checks.required_attachments(filing),
        max_mb=request.tenant.upload_limit_mb,
    )
    if form.is_valid():
        try:
            services.add_attachment(
                filing, form.cleaned_data["file"], code=form.cleaned_data["code"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Attached %(name)s.") % {"name": form.cleaned_data["file"].name})
            return _to_detail(request, filing)
    return detail(request, pk, forms={"attach": form}, status=400)


@require_POST
@tenant_view("filings.submit", model=Filing)
def submit(request, pk):
    filing = get_filing_for_user(request, pk)
    if not may_edit_filing(request, filing):
        raise PermissionDenied
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            services.submit_filing(filing, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Submitted. The channel supervisor has been asked to approve it."))
            return _to_detail(request, filing)
    return detail(request, pk, forms={"submit": form}, status=400)


@require_POST
@tenant_view("filings.submit", model=Filing)
def withdraw(request, pk):
    filing = get_filing_for_user(request, pk)
    if not may_withdraw_filing(request, filing):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_filing(filing, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The filing was withdrawn."))
            return _to_detail(request, filing)
    return detail(request, pk, forms={"withdraw": form}, status=400)


@require_POST
@tenant_view("filings.record", model=Filing)
def record(request, pk):
    filing = get_filing_for_user(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            recorded = services.record_filing(filing, by=request.user, note=form.cleaned_data["note"])
        except services.StaleFiling as stale:
            # Not recorded, but changed: it went back to the filer; the page shows it so.
            messages.warning(
                request,
                _(
                    "Not recorded: the partner record changed after this filing was made (%(fields)s). "
                    "It was sent back to %(filer)s for a refreshed filing."
                )
                % {"fields": ", ".join(stale.conflicts), "filer": filing.created_by.display_name},
            )
            return _to_detail(request, filing)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded as %(number)s.") % {"number": recorded.record_number})
            return _to_detail(request, filing)
    return detail(request, pk, forms={"record": form}, status=400)


@require_POST
@tenant_view("filings.send_back", model=Filing)
def send_back(request, pk):
    """The clerk sends an approved filing back to its filer, with a reason (the form keeps it on
    a refusal)."""
    filing = get_filing_for_user(request, pk)
    form = ReasonForm(request.POST, prefix="send_back")
    if form.is_valid():
        try:
            services.send_back_filing(filing, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Sent back to %(filer)s for correction.") % {"filer": filing.created_by.display_name},
            )
            return _to_detail(request, filing)
    return detail(request, pk, forms={"send_back": form}, status=400)
