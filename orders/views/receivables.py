"""Finance's receivables: every partner's open balance (invoices of what shipped − payments),
one partner's ledger, and booking a payment against it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Q, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from channelhub import exports, roles
from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.forms import add_service_errors
from channelhub.sorting import Sorts
from orders import services
from orders.forms import PaymentForm
from orders.models import ReceivableEntry
from orders.views.orders import PAGE_SIZE, _query
from partners.models import Partner

BALANCE_SORTS = Sorts(
    {
        "partner": (_("Partner"), ("partner__name", "partner")),
        "balance": (_("Open receivables"), ("balance", "partner")),
        "limit": (_("Credit limit"), ("partner__credit_limit", "partner")),
        "last": (_("Last entry"), ("last", "partner")),
    },
    default="-balance",
    end=("balance", "limit"),
)


def _balances(request):
    queryset = ReceivableEntry.objects.values("partner", "partner__name", "partner__credit_limit").annotate(
        balance=Sum("amount"), last=Max("booked_on")
    )
    search = (request.GET.get("q") or "").strip()
    if search:
        queryset = queryset.filter(
            Q(partner__name__icontains=search) | Q(partner__credit_code__icontains=search)
        )
    if request.GET.get("open"):
        queryset = queryset.filter(balance__gt=0)
    sort, fields = BALANCE_SORTS.order_by(request.GET.get("sort"))
    return queryset.order_by(*fields), sort


@never_cache
@tenant_view("orders.manage")
def receivable_list(request):
    queryset, sort = _balances(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/receivables/list.html",
        {
            "page": page,
            "headers": BALANCE_SORTS.headers(sort, _query(request, "sort", "page")),
            "query": _query(request, "page"),
            "q": request.GET.get("q", ""),
            "only_open": bool(request.GET.get("open")),
            "total": ReceivableEntry.objects.aggregate(n=Sum("amount"))["n"] or 0,
        },
    )


@tenant_view("orders.manage")
def receivable_export(request):
    queryset, _sort = _balances(request)
    rows = (
        [row["partner__name"], row["balance"], row["partner__credit_limit"], row["last"]] for row in queryset
    )
    headers = [_("Partner"), _("Open receivables (CNY)"), _("Credit limit (CNY)"), _("Last entry")]
    return exports.xlsx_response(headers=headers, rows=rows, title=_("Receivables"))


@never_cache
@tenant_view("orders.manage", model=Partner)
def partner_ledger(request, pk):
    partner = get_for_tenant_or_404(Partner.objects.all(), pk=pk)
    form = PaymentForm(request.POST or None)
    if request.method == "POST":
        if not _may_book(request):
            raise PermissionDenied(_("Your role may not do this."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_payment(
                    partner=partner, amount=data["amount"], booked_on=data["booked_on"],
                    reference=data["reference"], note=data["note"], by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Payment booked."))
                return redirect("orders:partner-ledger", tenant_slug=request.tenant.slug, pk=partner.pk)
    entries = ReceivableEntry.objects.filter(partner=partner).select_related("order", "created_by")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/receivables/ledger.html",
        {
            "partner": partner,
            "form": form,
            "page": page,
            "query": "",
            "balance": services.open_receivables(partner),
            "exposure": services.exposure(partner),
            "may_book": _may_book(request),
        },
        status=400 if form.errors else 200,
    )


def _may_book(request) -> bool:
    return request.membership is not None and roles.can(request.membership.role, "orders.receivables")
