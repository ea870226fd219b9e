"""Partners' stock and sell-out reports, book stock, the monitoring snapshot and its alerts,
replenishment suggestions, and what partners owe per reporting cycle.

**Book stock** of a partner × SKU at the end of a day = its last stock count on or before that
day + the stock movements after the count (receipts of shipments, adjustments) − the sell-out
after the count. It is one SQL definition (``_FIGURES``) for one partner and for the whole
tenant: a new count records the book figure it replaces (the variance), and
``recompute_positions`` turns the same figures into the monitoring snapshot — on hand, average
daily sell-out over the tenant's window, days of cover, in transit, the status against the
product line's thresholds and the replenishment suggestion — in one statement, with no loop
over partners. A partner's own reports and receipts refresh its rows at once; the daily job
refreshes the tenant (the window moves on) and tells partners and their channel managers of
each status that changed, once.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from channelhub import audit, periods, roles
from channelhub.notifications import Kind, Text, notify
from channelhub.tenancy import get_current_tenant
from channelhub.validators import parse_quantity
from orders.models import (
    InventoryReport,
    OrderLine,
    Product,
    ReportCycle,
    ReportDue,
    ReportKind,
    ReportSource,
    SellOutLine,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    StockCount,
    StockMovement,
    StockPosition,
    StockStatus,
)
from orders.models import Order as OrderModel
from orders.models import ProductLine as LineModel
from partners.models import Partner, PartnerStatus

MAX_REPORT_LINES = 10_000
OLDEST_REPORT_DAYS = 400  # a report dated further back is a typing mistake


def _may_report_for(by, partner) -> None:
    """Partner users report their own partner's stock and sales."""
    roles.require(by, "inventory.report")
    if roles.partner_of(by, partner.tenant_id) != partner.pk:
        raise PermissionDenied(_("You can report for your own partner only."))


def _check_date(day: date, field: str) -> None:
    today = periods.today()
    if day > today:
        raise ValidationError({field: _("A report cannot be dated in the future.")})
    if day < today - timedelta(days=OLDEST_REPORT_DAYS):
        raise ValidationError({field: _("That is more than a year ago; check the date.")})


# --- book stock ---------------------------------------------------------------------------------

# The figures of every partner × SKU with a count, a movement, a sale or a shipment in transit,
# as of the end of %(day)s (counts from %(count_day)s back; the window of sell-out is
# (%(window_start)s, %(day)s]). A count is of the end of its day as the partner knew it then: a
# receipt or sale of that same day counts after it when it was recorded after the count was
# reported. {partner} narrows every part to one partner.
_FIGURES = """
WITH last_day AS (
    SELECT partner_id, product_id, MAX(counted_on) AS counted_on
    FROM {count} WHERE tenant_id = %(tenant)s AND counted_on <= %(count_day)s {partner}
    GROUP BY partner_id, product_id
), last_count AS (
    SELECT c.partner_id, c.product_id, c.counted_on, c.quantity, r.created_at AS reported_at
    FROM {count} c
      JOIN last_day d
        ON c.partner_id = d.partner_id AND c.product_id = d.product_id AND c.counted_on = d.counted_on
      JOIN {report} r ON r.id = c.report_id
    WHERE c.tenant_id = %(tenant)s {partner_c}
), moved AS (
    SELECT m.partner_id, m.product_id, SUM(m.quantity) AS quantity
    FROM {movement} m LEFT JOIN last_count c ON c.partner_id = m.partner_id AND c.product_id = m.product_id
    WHERE m.tenant_id = %(tenant)s AND m.moved_on <= %(day)s
      AND (c.counted_on IS NULL OR m.moved_on > c.counted_on
           OR (m.moved_on = c.counted_on AND m.created_at > c.reported_at))
      {partner_m}
    GROUP BY m.partner_id, m.product_id
), sold_since AS (
    SELECT s.partner_id, s.product_id, SUM(s.quantity) AS quantity
    FROM {sale} s
      JOIN {report} sr ON sr.id = s.report_id
      LEFT JOIN last_count c ON c.partner_id = s.partner_id AND c.product_id = s.product_id
    WHERE s.tenant_id = %(tenant)s AND s.sold_on <= %(day)s
      AND (c.counted_on IS NULL OR s.sold_on > c.counted_on
           OR (s.sold_on = c.counted_on AND sr.created_at > c.reported_at))
      {partner_s}
    GROUP BY s.partner_id, s.product_id
), sold_window AS (
    SELECT partner_id, product_id, SUM(quantity) AS quantity
    FROM {sale} WHERE tenant_id = %(tenant)s AND sold_on > %(window_start)s AND sold_on <= %(day)s {partner}
    GROUP BY partner_id, product_id
), transit AS (
    SELECT o.partner_id, ol.product_id, SUM(sl.quantity) AS quantity
    FROM {shipment_line} sl
      JOIN {shipment} sh ON sh.id = sl.shipment_id
      JOIN {order_line} ol ON ol.id = sl.order_line_id
      JOIN {order} o ON o.id = sh.order_id
    WHERE sh.tenant_id = %(tenant)s AND sh.status = %(in_transit)s {partner_o}
    GROUP BY o.partner_id, ol.product_id
), parts AS (
    -- one row per pair and source, summed below: no UNION to deduplicate, no join per source
    SELECT partner_id, product_id, quantity AS counted, 0 AS moved, 0 AS sold_since, 0 AS sold,
           0 AS in_transit, counted_on FROM last_count
    UNION ALL SELECT partner_id, product_id, 0, quantity, 0, 0, 0, NULL FROM moved
    UNION ALL SELECT partner_id, product_id, 0, 0, quantity, 0, 0, NULL FROM sold_since
    UNION ALL SELECT partner_id, product_id, 0, 0, 0, quantity, 0, NULL FROM sold_window
    UNION ALL SELECT partner_id, product_id, 0, 0, 0, 0, quantity, NULL FROM transit
), pairs AS (
    -- integers (PostgreSQL sums bigints as numeric): the suggestion's divisions round down
    SELECT partner_id, product_id, CAST(SUM(counted) + SUM(moved) - SUM(sold_since) AS INTEGER) AS book,
           CAST(SUM(in_transit) AS INTEGER) AS in_transit, CAST(SUM(sold) AS INTEGER) AS sold,
           MAX(counted_on) AS last_counted_on
    FROM parts GROUP BY partner_id, product_id
), figures AS (
    SELECT k.partner_id, k.product_id, k.book, k.in_transit, k.sold, k.last_counted_on,
      p.pack_multiple, pl.low_cover_days AS low, pl.target_cover_days AS target,
      pl.overstock_cover_days AS over
    FROM pairs k
      JOIN {product} p ON p.id = k.product_id
      JOIN {line} pl ON pl.id = p.line_id
    WHERE p.is_service = %(false)s
)
"""


def _figures_sql(partner_id: int | None) -> str:
    def narrow(alias: str) -> str:
        if partner_id is None:
            return ""
        return f"AND {alias + '.' if alias else ''}partner_id = %(partner)s"

    return _FIGURES.format(
        count=StockCount._meta.db_table,
        report=InventoryReport._meta.db_table,
        movement=StockMovement._meta.db_table,
        sale=SellOutLine._meta.db_table,
        shipment_line=ShipmentLine._meta.db_table,
        shipment=Shipment._meta.db_table,
        order_line=OrderLine._meta.db_table,
        order=OrderModel._meta.db_table,
        product=Product._meta.db_table,
        line=LineModel._meta.db_table,
        partner=narrow(""),
        partner_c=narrow("c"),
        partner_m=narrow("m"),
        partner_s=narrow("s"),
        partner_o=narrow("o"),
    )


def _params(*, day: date, count_day: date, window: int, partner_id: int | None) -> dict:
    as_date = connection.ops.adapt_datefield_value  # stored as the ORM stores them
    return {
        "tenant": get_current_tenant().pk,
        "day": as_date(day),
        "count_day": as_date(count_day),
        "window_start": as_date(day - timedelta(days=window)),
        "partner": partner_id,
        "in_transit": ShipmentStatus.IN_TRANSIT,
        "false": False,
    }


def book_stock(partner, on_date: date, *, before_counts_of_the_day: bool = False) -> dict[int, int]:
    """product id → the partner's book stock at the end of ``on_date`` (products it has any
    history of). ``before_counts_of_the_day``: as if no count of ``on_date`` itself existed —
    the figure a new count of that day is compared with."""
    count_day = on_date - timedelta(days=1) if before_counts_of_the_day else on_date
    sql = _figures_sql(partner.pk) + "SELECT product_id, book FROM figures"  # noqa: S608 (tables from _meta, values as parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(day=on_date, count_day=count_day, window=1, partner_id=partner.pk))
        return dict(cursor.fetchall())


# --- the monitoring snapshot --------------------------------------------------------------------

# The snapshot's rows, computed once into a temporary table: what the upsert writes and what
# the delete keeps.
_SNAPSHOT = """
SELECT partner_id, product_id, on_hand, in_transit, sold,
    1.0 * sold / %(window)s AS avg_daily,
    CASE WHEN sold > 0 THEN 1.0 * on_hand * %(window)s / sold END AS days_of_cover,
    CASE WHEN on_hand <= 0 THEN %(stock_out)s
         WHEN on_hand * %(window)s < low * sold THEN %(low)s
         WHEN sold = 0 OR on_hand * %(window)s > over * sold THEN %(overstock)s
         ELSE %(healthy)s END AS status,
    CASE WHEN target * sold > (on_hand + in_transit) * %(window)s
         THEN ((target * sold - (on_hand + in_transit) * %(window)s + %(window)s - 1) / %(window)s
               + pack_multiple - 1) / pack_multiple * pack_multiple
         ELSE 0 END AS suggested,
    last_counted_on
FROM (SELECT partner_id, product_id, CASE WHEN book < 0 THEN 0 ELSE book END AS on_hand, in_transit,
             sold, last_counted_on, pack_multiple, low, target, over
      FROM figures) AS f
WHERE on_hand > 0 OR in_transit > 0 OR sold > 0
"""

# Only rows whose figures changed are written (a day's run rewrites a fraction of them).
_UPSERT = """
INSERT INTO {position} (tenant_id, partner_id, product_id, on_hand, in_transit, sold_in_window,
    avg_daily, days_of_cover, status, suggested_quantity, last_counted_on, computed_on, computed_at,
    status_since, alerted_status)
SELECT %(tenant)s, partner_id, product_id, on_hand, in_transit, sold, avg_daily, days_of_cover, status,
    suggested, last_counted_on, %(day)s, %(now)s, %(day)s, ''
FROM stock_figures WHERE partner_id IS NOT NULL
ON CONFLICT (partner_id, product_id) DO UPDATE SET
    on_hand = excluded.on_hand, in_transit = excluded.in_transit,
    sold_in_window = excluded.sold_in_window, avg_daily = excluded.avg_daily,
    days_of_cover = excluded.days_of_cover, suggested_quantity = excluded.suggested_quantity,
    last_counted_on = excluded.last_counted_on, computed_on = excluded.computed_on,
    computed_at = excluded.computed_at,
    status_since = CASE WHEN {position}.status = excluded.status THEN {position}.status_since
                        ELSE excluded.status_since END,
    status = excluded.status
WHERE {position}.on_hand IS DISTINCT FROM excluded.on_hand
   OR {position}.in_transit IS DISTINCT FROM excluded.in_transit
   OR {position}.sold_in_window IS DISTINCT FROM excluded.sold_in_window
   OR {position}.suggested_quantity IS DISTINCT FROM excluded.suggested_quantity
   OR {position}.last_counted_on IS DISTINCT FROM excluded.last_counted_on
   OR {position}.status IS DISTINCT FROM excluded.status
"""

# Rows no longer stocked, sold or on their way.
_DELETE_STALE = """
DELETE FROM {position} WHERE tenant_id = %(tenant)s {partner}
  AND NOT EXISTS (SELECT 1 FROM stock_figures f
                  WHERE f.partner_id = {position}.partner_id AND f.product_id = {position}.product_id)
"""


def recompute_positions(on_date: date | None = None, *, partner=None) -> int:
    """Bring the monitoring snapshot of the active tenant (or of one partner) to the end of
    ``on_date`` (today), set-based: the figures into a temporary table, one INSERT … ON
    CONFLICT of the rows that changed, one DELETE of the rows no longer stocked, sold or on
    their way. A row's ``computed_on`` is the day its figures last changed. Returns the rows
    of the snapshot."""
    from orders.services.orders import get_settings

    day = on_date or periods.today()
    window = get_settings().sell_out_window_days
    partner_id = partner.pk if partner is not None else None
    params = _params(day=day, count_day=day, window=window, partner_id=partner_id)
    params.update(
        window=window,
        now=connection.ops.adapt_datetimefield_value(timezone.now()),
        stock_out=StockStatus.STOCK_OUT,
        low=StockStatus.LOW,
        healthy=StockStatus.HEALTHY,
        overstock=StockStatus.OVERSTOCK,
    )
    position = StockPosition._meta.db_table
    narrow = "AND partner_id = %(partner)s" if partner_id is not None else ""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and partner_id is None:
            # JIT compiling the figures cost 1–3 s of a whole tenant's run (benchmarks/orders.py).
            cursor.execute("SET LOCAL jit = off")
        cursor.execute("DROP TABLE IF EXISTS stock_figures")
        cursor.execute(
            "CREATE TEMPORARY TABLE stock_figures AS " + _figures_sql(partner_id) + _SNAPSHOT, params
        )
        cursor.execute(_UPSERT.format(position=position), params)
        cursor.execute(_DELETE_STALE.format(position=position, partner=narrow), params)
        cursor.execute("SELECT COUNT(*) FROM stock_figures")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE stock_figures")
    return rows


def positions_changed():
    """Snapshot rows whose status has not been told yet (new rows: only a stock-out or low)."""
    return StockPosition.objects.exclude(status=F("alerted_status"))


def send_stock_alerts(*, partner=None) -> int:
    """Tell each partner (its users and its channel manager) of the SKUs whose stock status
    changed since it was last told, once: a second run finds nothing to tell."""
    changed = (
        positions_changed().select_related("partner__owner", "product").order_by("partner", "product__sku")
    )
    if partner is not None:
        changed = changed.filter(partner=partner)
    by_partner: dict[int, list] = {}
    quiet = []
    for position in changed:
        if not position.alerted_status and position.status in (StockStatus.HEALTHY, StockStatus.OVERSTOCK):
            quiet.append(position.pk)  # a new row that needs nobody's attention
        else:
            by_partner.setdefault(position.partner_id, []).append(position)
    tenant = get_current_tenant()
    for rows in by_partner.values():
        owner = rows[0].partner
        people = roles.partner_users(owner.pk)
        if owner.owner_id:
            people.append(owner.owner)
        worst = [r for r in rows if r.status in (StockStatus.STOCK_OUT, StockStatus.LOW)]
        notify(
            people,
            kind=Kind.GENERAL,
            title=Text(
                gettext_noop(
                    "Stock of %(partner)s: %(count)s SKUs changed status (%(worst)s stock-out or low)"
                ),
                partner=owner.name,
                count=len(rows),
                worst=len(worst),
            ),
            body=Text(
                gettext_noop(
                    "Stock-out: %(stock_out)s · Low: %(low)s · Healthy: %(healthy)s · Overstock: %(overstock)s"
                ),
                **{
                    status: ", ".join(r.product.sku for r in rows if r.status == status) or "—"
                    for status in StockStatus.values
                },
            ),
            url=reverse("orders:stock", kwargs={"tenant_slug": tenant.slug}) + f"?partner={owner.pk}",
        )
    told = [r.pk for rows in by_partner.values() for r in rows] + quiet
    StockPosition.objects.filter(pk__in=told).update(alerted_status=F("status"))
    return len(by_partner)


def refresh_partner(partner, *, on_date: date | None = None) -> None:
    """After a partner's report or receipt: its snapshot now, and its alerts."""
    recompute_positions(on_date, partner=partner)
    send_stock_alerts(partner=partner)


# --- stock reports ------------------------------------------------------------------------------


def report_stock(*, partner, counted_on: date, quantities: dict, by, source=ReportSource.FORM,
                 upload=None, note: str = "") -> InventoryReport | None:  # fmt: skip
    """A stock report: product → quantity on hand at the end of ``counted_on`` (blank: not
    counted). A count of a day already counted replaces it. Counts equal to an existing count
    of the day change nothing; when nothing changes at all no report is made (``None``)."""
    _may_report_for(by, partner)
    _check_date(counted_on, "counted_on")
    errors, typed = [], {}
    for product, value in quantities.items():
        if value in (None, "") or str(value).strip() == "":
            continue
        if product.is_service:
            errors.append(_("%(sku)s is a service: it is not held in stock.") % {"sku": product.sku})
            continue
        try:
            typed[product] = parse_quantity(value, allow_zero=True)
        except ValidationError as error:
            errors.append(f"{product.sku}: {error.messages[0]}")
    if errors:
        raise ValidationError(errors)
    if not typed and source == ReportSource.FORM:
        raise ValidationError(_("Enter the quantity on hand of at least one product."))
    if len(typed) > MAX_REPORT_LINES:
        raise ValidationError(_("At most %(max)s lines per report.") % {"max": MAX_REPORT_LINES})
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=partner.pk).first()  # one report at a time
        existing = {
            count.product_id: count
            for count in StockCount.objects.filter(
                partner=partner, counted_on=counted_on, product__in=list(typed)
            )
        }
        changed = {p: q for p, q in typed.items() if p.pk not in existing or existing[p.pk].quantity != q}
        if not changed:
            return None
        book = book_stock(partner, counted_on, before_counts_of_the_day=True)
        report = InventoryReport.objects.create(
            partner=partner, kind=ReportKind.STOCK, source=source, upload=upload, first_day=counted_on,
            last_day=counted_on, line_count=len(changed), total_quantity=sum(changed.values()),
            note=(note or "").strip()[:200], created_by=by,
        )  # fmt: skip
        StockCount.objects.filter(pk__in=[existing[p.pk].pk for p in changed if p.pk in existing]).delete()
        counts = [
            StockCount(
                report=report,
                partner=partner,
                product=product,
                counted_on=counted_on,
                quantity=quantity,
                book_quantity=book.get(product.pk),
            )  # fmt: skip
            for product, quantity in changed.items()
        ]
        StockCount.objects.bulk_create(counts)
        varied = sum(1 for count in counts if count.variance)
        audit.record(
            report,
            "inventory.stock_reported",
            actor=by,
            comment=ngettext("%(count)s SKU", "%(count)s SKUs", len(counts)) % {"count": len(counts)}
            + (" · " + _("%(count)s differ from book stock") % {"count": varied} if varied else ""),
        )
        mark_reported(partner=partner)
        refresh_partner(partner)
    return report


# --- sell-out reports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SaleInput:
    product: Product
    sold_on: date
    quantity: object  # as typed
    unit_price: Decimal
    region: object  # partners.Region
    customer: str = ""
    reference: str = ""
    fingerprint: str | None = None  # uploaded rows: the same row uploaded again adds nothing


def fingerprint(*cells, occurrence: int = 0) -> str:
    """The identity of an uploaded sell-out row: its cells and its place among identical rows."""
    return hashlib.sha256("\x1f".join([*map(str, cells), str(occurrence)]).encode()).hexdigest()


def report_sell_out(*, partner, sales: list[SaleInput], by, source=ReportSource.FORM, upload=None,
                    note: str = "") -> InventoryReport | None:  # fmt: skip
    """A sell-out report: sales to end customers. Uploaded rows already reported (the same
    fingerprint) are left out; when nothing is left no report is made (``None``)."""
    _may_report_for(by, partner)
    if not sales:
        raise ValidationError(_("Enter at least one sale."))
    if len(sales) > MAX_REPORT_LINES:
        raise ValidationError(_("At most %(max)s lines per report.") % {"max": MAX_REPORT_LINES})
    errors, lines = [], []
    for number, sale in enumerate(sales, start=1):
        try:
            _check_date(sale.sold_on, "sold_on")
            quantity = parse_quantity(sale.quantity)
            if sale.unit_price is None or sale.unit_price < 0:
                raise ValidationError(_("Enter a unit price of at least 0."))
        except ValidationError as error:
            errors.append(
                _("Line %(n)s (%(sku)s): %(problem)s")
                % {"n": number, "sku": sale.product.sku, "problem": error.messages[0]}
            )
            continue
        lines.append(
            SellOutLine(
                partner=partner,
                product=sale.product,
                sold_on=sale.sold_on,
                quantity=quantity,
                unit_price=sale.unit_price,
                region=sale.region,
                customer=(sale.customer or "").strip()[:120],
                reference=(sale.reference or "").strip()[:60],
                fingerprint=sale.fingerprint,
            )  # fmt: skip
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=partner.pk).first()  # one upload at a time
        prints = [line.fingerprint for line in lines if line.fingerprint]
        if prints:
            known = set(
                SellOutLine.objects.filter(partner=partner, fingerprint__in=prints).values_list(
                    "fingerprint", flat=True
                )
            )
            lines = [line for line in lines if line.fingerprint not in known]
        if not lines:
            return None
        report = InventoryReport.objects.create(
            partner=partner, kind=ReportKind.SELL_OUT, source=source, upload=upload,
            first_day=min(line.sold_on for line in lines), last_day=max(line.sold_on for line in lines),
            line_count=len(lines), total_quantity=sum(line.quantity for line in lines),
            total_value=sum((line.value for line in lines), Decimal("0")), note=(note or "").strip()[:200],
            created_by=by,
        )  # fmt: skip
        for line in lines:
            line.report = report
        SellOutLine.objects.bulk_create(lines, batch_size=2000)
        audit.record(
            report,
            "inventory.sell_out_reported",
            actor=by,
            comment=ngettext("%(count)s line", "%(count)s lines", len(lines)) % {"count": len(lines)},
        )
        refresh_partner(partner)
    return report


# --- replenishment ------------------------------------------------------------------------------


def draft_from_suggestions(partner, *, by, product_ids=None):
    """A draft order of the partner's replenishment suggestions (all, or the products chosen),
    for orderable products; the partner checks and submits it like any other draft."""
    from orders.services.orders import LineInput, create_order

    positions = StockPosition.objects.filter(partner=partner, suggested_quantity__gt=0).select_related(
        "product"
    )
    if product_ids is not None:
        positions = positions.filter(product_id__in=list(product_ids))
    lines = [
        LineInput(product=position.product, quantity=position.suggested_quantity)
        for position in positions.order_by("product__sku")
        if position.product.is_orderable
    ]
    if not lines:
        raise ValidationError(_("There is nothing to replenish: no suggestion for an orderable product."))
    return create_order(
        partner=partner,
        lines=lines,
        delivery_address=partner.address or partner.name,
        remarks=_("From the replenishment suggestions of %(day)s") % {"day": periods.today().isoformat()},
        by=by,
    )


# --- what partners owe per cycle ----------------------------------------------------------------


@dataclass(frozen=True)
class ReportingPeriod:
    first: date
    last: date
    due_on: date


def reporting_period(day: date) -> ReportingPeriod:
    """The reporting period (week from Monday, or month) that contains ``day``, and its due day
    (in the period after it)."""
    from orders.services.orders import get_settings

    settings = get_settings()
    if settings.report_cycle == ReportCycle.WEEKLY:
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
        return ReportingPeriod(first, last, last + timedelta(days=min(settings.report_due_day, 7)))
    month = periods.period_of("month", day)
    return ReportingPeriod(month.first, month.last, month.last + timedelta(days=settings.report_due_day))


def mark_reported(*, partner=None) -> int:
    """Periods a stock report dated in them (or by their due day) has now covered."""
    reports = InventoryReport.objects.filter(
        partner=OuterRef("partner"),
        kind=ReportKind.STOCK,
        last_day__gte=OuterRef("period_first"),
        last_day__lte=OuterRef("due_on"),
    )
    owed = ReportDue.objects.filter(reported_at__isnull=True)
    if partner is not None:
        owed = owed.filter(partner=partner)
    return owed.filter(Exists(reports)).update(reported_at=timezone.now())


REMIND_DAYS_BEFORE = 3


def run_report_cycle(today: date) -> dict:
    """The daily job's part for reports (idempotent): what active partners owe for the period
    just ended, marked reported where a report came in, a reminder once within
    ``REMIND_DAYS_BEFORE`` days of the due day, and an overdue flag once after it."""
    period = reporting_period(reporting_period(today).first - timedelta(days=1))
    ReportDue.objects.bulk_create(
        [
            ReportDue(partner_id=pk, period_first=period.first, period_last=period.last, due_on=period.due_on)
            for pk in Partner.objects.filter(status=PartnerStatus.ACTIVE).values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    mark_reported()
    now = timezone.now()
    owed = ReportDue.objects.filter(reported_at__isnull=True).select_related("partner__owner")
    to_remind = list(
        owed.filter(
            reminded_at__isnull=True,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
        )
    )
    to_flag = list(owed.filter(overdue_at__isnull=True, due_on__lt=today))
    tenant = get_current_tenant()
    link = reverse("orders:stock-report", kwargs={"tenant_slug": tenant.slug})
    for due in to_remind:
        notify(
            roles.partner_users(due.partner_id),
            kind=Kind.GENERAL,
            title=Text(
                gettext_noop("Stock report for %(first)s – %(last)s due on %(due)s"),
                first=due.period_first.isoformat(),
                last=due.period_last.isoformat(),
                due=due.due_on.isoformat(),
            ),
            url=link,
        )
    ReportDue.objects.filter(pk__in=[due.pk for due in to_remind]).update(reminded_at=now)
    for due in to_flag:
        people = roles.partner_users(due.partner_id)
        if due.partner.owner_id:
            people.append(due.partner.owner)
        notify(
            people,
            kind=Kind.GENERAL,
            title=Text(
                gettext_noop(
                    "Overdue: %(partner)s has not reported stock for %(first)s – %(last)s (due %(due)s)"
                ),
                partner=due.partner.name,
                first=due.period_first.isoformat(),
                last=due.period_last.isoformat(),
                due=due.due_on.isoformat(),
            ),
            url=link,
        )
    ReportDue.objects.filter(pk__in=[due.pk for due in to_flag]).update(overdue_at=now)
    return {"reminded": len(to_remind), "overdue": len(to_flag)}


def run_daily(today: date) -> dict:
    """One tenant's daily inventory run: the report cycle, the snapshot, the alerts."""
    done = run_report_cycle(today)
    done["positions"] = recompute_positions(today)
    done["alerted"] = send_stock_alerts()
    return done
