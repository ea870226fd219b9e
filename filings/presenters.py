"""A filing in words: the rows shown to approvers (portal and e-mail), the detail page and the PDF."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from channelhub import formats, periods
from filings import checks, partner_fields
from filings.models import Filing, FilingKind

K = FilingKind


def money(value) -> str:
    return formats.money(value, empty="")


def diff(filing: Filing, cache: dict | None = None) -> list[tuple[str, str, str, str]]:
    """A change filing's field-by-field diff against the partner as it was when filed.
    ``cache``: names of related rows (partner_fields.display_cache) for lists of filings."""
    if filing.kind != K.CHANGE:
        return []
    return partner_fields.diff_rows(filing.baseline, filing.proposed, cache)


def content_rows(filing: Filing, *, with_diff: bool = True) -> list[tuple[str, str]]:
    """The form's content, kind by kind (seed 002's three forms). ``with_diff=False`` leaves a change
    filing's diff out, for pages that show it as its own table."""
    f = Filing._meta.get_field
    rows: list[tuple[str, str]] = []
    if filing.kind == K.NEW:
        rows += partner_fields.labelled(filing.proposed)
        rows += [
            (f("basic_situation").verbose_name, filing.basic_situation),
            (f("expected_annual_sales").verbose_name, money(filing.expected_annual_sales)),
            (f("expected_scale_notes").verbose_name, filing.expected_scale_notes),
            (
                f("expected_start_date").verbose_name,
                filing.expected_start_date.isoformat() if filing.expected_start_date else "",
            ),
            (f("resources_needed").verbose_name, filing.resources_needed),
        ]
    elif filing.kind == K.CHANGE:
        if with_diff:
            rows += [(label, f"{old or '—'} → {new or '—'}") for _name, label, old, new in diff(filing)]
        rows += [(f("reason").verbose_name, filing.reason), (f("impact").verbose_name, filing.impact)]
    else:
        rows += [
            (
                f("termination_date").verbose_name,
                filing.termination_date.isoformat() if filing.termination_date else "",
            ),
            (f("reason").verbose_name, filing.reason),
            (f("impact").verbose_name, filing.impact),
        ]
        rows += impact_rows(
            filing.impact_snapshot or (checks.termination_impact(filing.partner) if filing.partner_id else {})
        )
    return [(capfirst(str(label)), str(value or "")) for label, value in rows]


def impact_rows(impact: dict) -> list[tuple[str, str]]:
    if not impact:
        return []
    not_built = _("not tracked")
    customers = impact.get("customers") or []
    return [
        (
            _("Customers to hand over"),
            "; ".join(
                f"{c['name']}" + (f" ({_('protected until')} {c['until']})" if c.get("until") else "")
                for c in customers
            )
            or _("none"),
        ),
        (_("Open orders"), not_built if impact.get("orders") is None else str(impact["orders"])),
        (_("Stock at the partner"), not_built if impact.get("stock") is None else str(impact["stock"])),
        (_("Unsettled money"), not_built if impact.get("unsettled") is None else money(impact["unsettled"])),
        (
            _("Other open filings of the partner"),
            ", ".join(f"#{pk}" for pk in impact.get("open_filings") or []) or _("none"),
        ),
    ]


def approval_rows(filing: Filing) -> list[tuple[str, str]]:
    rows = [
        (_("Kind"), filing.get_kind_display()),
        (_("Partner") if filing.partner_id else _("New channel"), filing.subject_name),
        (_("Filed by"), filing.created_by.display_name),
        (_("Valid until"), filing.valid_until.isoformat() if filing.valid_until else ""),
    ]
    rows += content_rows(filing)
    for item in checks.checklist(filing, today=periods.today(filing.tenant)).items:
        mark = "✓" if item.ok else ("✗" if item.blocking else "•")
        rows.append((f"{mark} {item.label}", item.detail or (_("yes") if item.ok else _("no"))))
    return rows
