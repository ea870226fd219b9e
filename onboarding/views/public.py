"""Public pages (no account): a tenant's campaigns, the application form, and the
applicant's private status page with supplements, withdrawal and contract signing.

Each resolves the tenant from the ``org`` slug (404 for unknown or inactive tenants)
and runs inside ``tenant_context(tenant)``; the status pages also need a valid private
link token, of which only a hash is stored."""

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from channelhub import periods
from channelhub.access import public_view
from channelhub.forms import add_service_errors, client_ip
from channelhub.models import Tenant
from channelhub.tenancy import tenant_context
from onboarding import services
from onboarding.forms.public import ApplicationForm, SignForm, SupplementForm, WithdrawForm
from onboarding.models import PIPELINE, ApplicantLink, Campaign, DocumentRequirement, State
from onboarding.ratelimit import too_many

LINK_VALID_AFTER_CLOSING = timedelta(days=90)


def with_org(view):
    """Resolve ``org`` to an active tenant and run the view inside its context."""

    @wraps(view)
    def wrapped(request, org, *args, **kwargs):
        tenant = Tenant.objects.filter(slug=org, is_active=True).first()
        if tenant is None:
            raise Http404
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) is None:
            translation.activate(tenant.default_language)
            request.LANGUAGE_CODE = tenant.default_language
        with tenant_context(tenant):
            response = view(request, tenant, *args, **kwargs)
        response.headers.setdefault("X-Robots-Tag", "noindex")
        return response

    return wrapped


def _campaign_or_404(tenant, slug, *, must_be_open=True):
    campaign = Campaign.objects.filter(slug=slug, is_published=True).select_related("tenant").first()
    if campaign is None or (must_be_open and not campaign.is_open(periods.today(tenant))):
        raise Http404
    return campaign


@public_view
@with_org
def campaigns(request, tenant):
    today = periods.today(tenant)
    found = [
        c for c in Campaign.objects.filter(is_published=True).select_related("tenant") if c.is_open(today)
    ]
    return render(request, "onboarding/public/campaigns.html", {"org": tenant, "campaigns": found})


@public_view
@with_org
def campaign(request, tenant, slug):
    found = _campaign_or_404(tenant, slug)
    requirements = [r for r in DocumentRequirement.objects.filter(is_active=True)]
    return render(
        request,
        "onboarding/public/campaign.html",
        {"org": tenant, "campaign": found, "requirements": requirements},
    )


def _rate_limited(request, tenant) -> bool:
    limit, window = getattr(settings, "ONBOARDING_APPLY_RATE", (10, 3600))
    return too_many(f"apply:{tenant.pk}:{client_ip(request)}", limit=limit, window_seconds=window)


@never_cache
@public_view
@with_org
def apply(request, tenant, slug):
    found = _campaign_or_404(tenant, slug)
    requirements = list(DocumentRequirement.objects.filter(is_active=True).order_by("order", "pk"))
    if request.method != "POST":
        form = ApplicationForm(campaign=found, requirements=requirements, max_mb=tenant.upload_limit_mb)
        return _apply_page(request, tenant, found, form)
    draft_key = request.POST.get("draft") or None
    _key, held = services.keep_uploads(found, draft_key, {}) if draft_key else (None, {})
    form = ApplicationForm(
        request.POST,
        request.FILES,
        campaign=found,
        requirements=requirements,
        held=held,
        max_mb=tenant.upload_limit_mb,
    )
    if form.is_spam:
        # Honeypot filled: a bot. It sees a calm page and nothing is stored.
        return render(request, "onboarding/public/received.html", {"org": tenant, "campaign": found})
    if _rate_limited(request, tenant):
        form.is_valid()
        form.add_error(None, _("Too many submissions from your network. Please try again in an hour."))
        return _apply_page(request, tenant, found, form, status=429)
    valid = form.is_valid()
    # Documents that passed their checks are kept even if something else is wrong.
    draft_key, held = services.keep_uploads(found, draft_key, form.valid_uploads())
    if valid:
        try:
            app, link = services.submit_application(
                found,
                form.application_data(),
                draft_key=draft_key,
                ip=client_ip(request),
                language=translation.get_language() or tenant.default_language,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you, your application was received. We have e-mailed you this page's link; keep it to follow your application."
                ),
            )
            return redirect(link.removeprefix(settings.SITE_URL))
    form = _carry_over(form, draft_key, held)
    return _apply_page(request, tenant, found, form, status=400)


def _carry_over(form, draft_key, held):
    """The re-rendered form shows the held uploads and posts the draft key back."""
    form.refresh_stamp()
    data = form.data.copy()
    data[form.add_prefix("draft")] = draft_key or ""
    form.data = data
    for name in form.document_fields:
        form.fields[name].held_file = held.get(f"doc:{form.fields[name].requirement.code}")
    return form


def _apply_page(request, tenant, campaign, form, status=200):
    return render(
        request,
        "onboarding/public/apply.html",
        {"org": tenant, "campaign": campaign, "form": form, "max_mb": tenant.upload_limit_mb},
        status=status,
    )


def _application_for_token(token):
    link = (
        ApplicantLink.objects.filter(token_hash=ApplicantLink.hash_token(token))
        .select_related("application", "application__campaign", "application__tenant")
        .first()
    )
    if link is None:
        raise Http404
    app = link.application
    if app.closed_at is not None and app.closed_at < timezone.now() - LINK_VALID_AFTER_CLOSING:
        raise Http404
    return app


def _status_url(tenant, token):
    return redirect("join:status", org=tenant.slug, token=token)


@never_cache
@public_view
@with_org
def status(request, tenant, token):
    app = _application_for_token(token)
    return _status_page(request, tenant, token, app)


def _status_page(request, tenant, token, app, *, supplement_form=None, withdraw_form=None, status=200):
    from channelhub.files import files_of

    contract = services.current_contract(app)
    steps = [s for s in PIPELINE]
    position = steps.index(app.state) if app.state in steps else -1
    return render(
        request,
        "onboarding/public/status.html",
        {
            "org": tenant,
            "app": app,
            "token": token,
            "steps": steps,
            "position": position,
            "open_request": app.supplement_requests.filter(replied_at__isnull=True).last()
            if app.state == State.AWAITING_SUPPLEMENTS
            else None,
            "requests": list(app.supplement_requests.all()),
            "supplement_form": supplement_form or SupplementForm(max_mb=tenant.upload_limit_mb),
            "withdraw_form": withdraw_form or WithdrawForm(),
            "can_withdraw": app.state
            not in (State.CONTRACT_SIGNED, State.ACTIVE, State.REJECTED, State.WITHDRAWN),
            "contract": contract,
            "documents": list(files_of(app).filter(kind__startswith="doc:"))
            + list(files_of(app, "supplement")),
            "reason": _closing_reason(app),
        },
        status=status,
    )


def _closing_reason(app):
    if app.state != State.REJECTED:
        return ""
    from channelhub.models import Activity

    entry = (
        Activity.objects.filter(object_id=app.pk, verb__in=["onboarding.reject", "onboarding.decline"])
        .order_by("-created_at")
        .first()
    )
    return entry.comment if entry else ""


@never_cache
@require_POST
@public_view
@with_org
def supplements(request, tenant, token):
    app = _application_for_token(token)
    form = SupplementForm(request.POST, request.FILES, max_mb=tenant.upload_limit_mb)
    if form.is_valid():
        try:
            services.supply_supplements(
                app, reply=form.cleaned_data["reply"], uploads=form.cleaned_data["files"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your answer was sent to the channel department."))
            return _status_url(tenant, token)
    return _status_page(request, tenant, token, app, supplement_form=form, status=400)


@never_cache
@require_POST
@public_view
@with_org
def withdraw(request, tenant, token):
    app = _application_for_token(token)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _status_page(request, tenant, token, app, withdraw_form=form, status=400)
    try:
        services.withdraw(app, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Your application was withdrawn."))
    return _status_url(tenant, token)


@never_cache
@public_view
@with_org
def contract_pdf(request, tenant, token):
    app = _application_for_token(token)
    contract = services.current_contract(app)
    if contract is None:
        raise Http404
    response = FileResponse(
        contract.file.file.open("rb"),
        content_type="application/pdf",
        as_attachment=request.GET.get("download") == "1",
        filename=f"{contract.number}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@public_view
@with_org
def sign(request, tenant, token):
    app = _application_for_token(token)
    contract = services.current_contract(app)
    if app.state != State.CONTRACT_ISSUED or contract is None:
        messages.info(request, _("There is no contract waiting for your signature."))
        return _status_url(tenant, token)
    form = SignForm(request.POST or None, initial={"sha256": contract.sha256, "signer_name": ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_contract(
                app,
                signer_name=form.cleaned_data["signer_name"],
                sha256=form.cleaned_data["sha256"],
                agreed=form.cleaned_data["agree"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: the contract is signed. We will countersign it shortly."))
            return _status_url(tenant, token)
    return render(
        request,
        "onboarding/public/sign.html",
        {"org": tenant, "app": app, "token": token, "contract": contract, "form": form},
        status=400 if form.errors else 200,
    )
