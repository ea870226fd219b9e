"""Customer registration pages: list (conflicts for managers), register, detail and its actions
(a manager's order, release and conflict decision; the partner's own correction and withdrawal)."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from channelhub import periods, roles
from channelhub.access import tenant_view
from channelhub.forms import add_service_errors
from filings import customers
from filings.access import get_registration_for_user, registrations_for, timeline_seen_by
from filings.forms import CustomerFilter, CustomerRegistrationForm, OrderForm, ReasonForm, ResolveForm
from filings.models import CustomerRegistration, CustomerStatus

C = CustomerStatus


def _to_detail(request, registration):
    return redirect("filings:customer-detail", tenant_slug=request.tenant.slug, pk=registration.pk)


@never_cache
@tenant_view("customers.view")
def customer_list(request):
    queryset = registrations_for(request).order_by("-created_at", "-pk")
    filterset = CustomerFilter(request.GET or None, queryset=queryset, membership=request.membership)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    conflicts = None
    if roles.can(request.membership.role, "customers.manage"):
        conflicts = CustomerRegistration.objects.filter(status=C.CONFLICT).count()
    return render(
        request,
        "filings/customers/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "open_conflicts": conflicts},
    )


@never_cache
@tenant_view("customers.register")
def customer_new(request):
    membership = request.membership
    form = CustomerRegistrationForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        partner = membership.partner if membership.is_partner_user else form.cleaned_data["partner"]
        try:
            registration = customers.register_customer(
                partner=partner, by=request.user, data=form.registration_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if registration.status == C.CONFLICT:
                messages.warning(
                    request,
                    _(
                        "This customer is already registered by another partner and protected, so it is taken. "
                        "Your registration is kept as a conflict; a channel manager will look at it."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Registered. The customer is protected for you until %(date)s.")
                    % {"date": registration.protected_until.isoformat()},
                )
            return _to_detail(request, registration)
    return render(request, "filings/customers/form.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@tenant_view("customers.view", model=CustomerRegistration)
def customer_detail(request, pk, *, forms=None, status=200):
    registration = get_registration_for_user(request, pk)
    role = request.membership.role
    may_manage = roles.can(role, "customers.manage")
    forms = forms or {}
    holder = registration.conflicts_with if may_manage else None
    context = {
        "registration": registration,
        "may_manage": may_manage,
        # Partner users reach only their own partner's registrations (get_registration_for_user).
        "may_edit": registration.is_open and roles.can(role, "customers.edit"),
        "may_withdraw": registration.is_open and roles.can(role, "customers.withdraw"),
        "withdraw_form": forms.get("withdraw") or ReasonForm(),
        "holder": holder,
        "related_conflicts": list(registration.conflicts.select_related("partner")) if may_manage else [],
        "order_form": forms.get("order") or OrderForm(initial={"on": periods.today()}),
        "release_form": forms.get("release") or ReasonForm(),
        "resolve_form": forms.get("resolve") or ResolveForm(),
        "timeline": timeline_seen_by(request, registration),
        "today": periods.today(),
        # What an action was refused for, beyond its fields: shown at the top, whichever form it was.
        "refused": [error for form in forms.values() for error in form.non_field_errors()],
    }
    return render(request, "filings/customers/detail.html", context, status=status)


@require_POST
@tenant_view("customers.manage", model=CustomerRegistration)
def customer_order(request, pk):
    registration = get_registration_for_user(request, pk)
    form = OrderForm(request.POST)
    if form.is_valid():
        try:
            customers.record_order(registration, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Order recorded: the protection no longer lapses."))
            return _to_detail(request, registration)
    return customer_detail(request, pk, forms={"order": form}, status=400)


@require_POST
@tenant_view("customers.manage", model=CustomerRegistration)
def customer_release(request, pk):
    registration = get_registration_for_user(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            customers.release_registration(registration, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The customer was released."))
            return _to_detail(request, registration)
    return customer_detail(request, pk, forms={"release": form}, status=400)


@require_POST
@tenant_view("customers.manage", model=CustomerRegistration)
def customer_resolve(request, pk):
    registration = get_registration_for_user(request, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            customers.resolve_conflict(registration, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The conflict is resolved."))
            return _to_detail(request, registration)
    return customer_detail(request, pk, forms={"resolve": form}, status=400)


def _edit_form(request, registration):
    # A copy: validating the form writes to its instance, and the page shows the stored values.
    form = CustomerRegistrationForm(
        request.POST or None, instance=copy.copy(registration), membership=request.membership
    )
    form.fields.pop("partner", None)  # a registration stays with its partner
    return form


@never_cache
@tenant_view("customers.edit", model=CustomerRegistration)
def customer_edit(request, pk):
    registration = get_registration_for_user(request, pk)
    if not registration.is_open:
        messages.error(request, _("Only a protected registration or one in conflict can be changed."))
        return _to_detail(request, registration)
    form = _edit_form(request, registration)
    if request.method == "POST" and form.is_valid():
        try:
            customers.edit_registration(registration, by=request.user, data=form.registration_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved the registration."))
            return _to_detail(request, registration)
    return render(
        request,
        "filings/customers/form.html",
        {"form": form, "registration": registration},
        status=400 if form.errors else 200,
    )


@require_POST
@tenant_view("customers.withdraw", model=CustomerRegistration)
def customer_withdraw(request, pk):
    registration = get_registration_for_user(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            customers.withdraw_registration(registration, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The registration was withdrawn."))
            return _to_detail(request, registration)
    return customer_detail(request, pk, forms={"withdraw": form}, status=400)
