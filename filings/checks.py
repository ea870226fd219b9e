"""What a filing must have, and the supervisor's checklist (completeness and compliance).

Seed 002: "审批时需审查报备内容的完整性和合规性". The checklist is computed from the
data, shown to the filer before submitting, to the supervisor in the portal and in
the approval e-mail, and enforced: a filing that fails a hard check cannot be
submitted, approved or recorded.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from channelhub.files import files_of
from filings import partner_fields
from filings.models import CustomerRegistration, Filing, FilingKind, FilingState, RequiredAttachment
from filings.models.choices import HOLDING_STATUSES, OPEN_STATES
from partners import services as partner_services
from partners.models import Partner, PartnerStatus
from partners.validators import normalise_credit_code

K, S = FilingKind, FilingState


@dataclass
class Check:
    label: str
    ok: bool
    detail: str = ""
    blocking: bool = True  # informational items never block


@dataclass
class Checklist:
    items: list[Check] = field(default_factory=list)

    def add(self, label, ok, detail="", blocking=True):
        self.items.append(Check(str(label), bool(ok), str(detail), blocking))

    @property
    def failures(self) -> list[Check]:
        return [item for item in self.items if item.blocking and not item.ok]

    @property
    def passed(self) -> bool:
        return not self.failures

    def message(self) -> str:
        return "; ".join(
            f"{item.label}: {item.detail}" if item.detail else item.label for item in self.failures
        )


# Information a filing of each kind must carry (seed 002 lists them per form).
REQUIRED_FIELDS = {
    K.NEW: ["basic_situation", "expected_scale_notes", "expected_start_date", "resources_needed"],
    K.CHANGE: ["reason", "impact"],
    K.TERMINATION: ["reason", "impact", "termination_date"],
}
REQUIRED_PROPOSED_FOR_NEW = ["name", "credit_code", "channel_type"]


def required_attachments(filing: Filing) -> list[RequiredAttachment]:
    from filings.services import get_settings

    get_settings()  # a tenant's first use creates seed 002's defaults
    channel_type = filing.channel_type or (filing.partner.channel_type if filing.partner_id else "")
    return [
        requirement
        for requirement in RequiredAttachment.objects.filter(kind=filing.kind, is_active=True)
        if requirement.applies_to(channel_type)
    ]


def attachment_status(filing: Filing) -> list[tuple[RequiredAttachment, list]]:
    """Each required attachment with the files uploaded for it (one query for all files)."""
    files = list(files_of(filing)) if filing.pk else []
    return [(req, [f for f in files if f.kind == req.code]) for req in required_attachments(filing)]


def missing_information(filing: Filing) -> list[str]:
    missing = []
    for name in REQUIRED_FIELDS[filing.kind]:
        if getattr(filing, name) in (None, ""):
            missing.append(str(Filing._meta.get_field(name).verbose_name))
    if filing.kind == K.NEW:
        fields = partner_fields.by_name()
        for name in REQUIRED_PROPOSED_FOR_NEW:
            if name in fields and not filing.proposed.get(name):
                missing.append(fields[name].label)
    if filing.kind != K.NEW and filing.partner_id is None:
        missing.append(str(Filing._meta.get_field("partner").verbose_name))
    if filing.kind == K.CHANGE and not filing.proposed:
        missing.append(_("at least one changed field"))
    return missing


def stale_fields(filing: Filing, partner=None) -> dict:
    """``{label: [value when filed, value now]}`` for the partner fields that changed since."""
    if filing.kind != K.CHANGE or filing.partner_id is None:
        return {}
    partner = partner or filing.partner
    now = partner_fields.snapshot(partner)
    fields = partner_fields.by_name()
    return {
        fields[name].label: [fields[name].display(old), fields[name].display(now.get(name))]
        for name, old in filing.baseline.items()
        if name in fields and not partner_fields.same(now.get(name), old)
    }


# The partner fields that decide whether a territory clashes (partners.services.territory_clash).
TERRITORY_FIELDS = ("region", "exclusive_territory", "channel_type")


def partner_as_filed(filing: Filing) -> Partner | None:
    """The partner as recording ``filing`` would leave it, unsaved and with no query — for the
    territory check; ``None`` when the filing touches no partner record of its own (a new channel
    already admitted through an application is linked, not written)."""
    proposed = filing.proposed or {}
    if filing.kind == K.CHANGE and filing.partner_id:
        current = filing.partner
        candidate = Partner(**{f.attname: getattr(current, f.attname) for f in Partner._meta.concrete_fields})
    elif filing.kind == K.NEW:
        code = normalise_credit_code(proposed.get("credit_code", ""))
        if code and Partner.objects.filter(credit_code=code).exists():
            return None  # linked to the admitted partner, or refused by "not yet a partner"
        candidate = Partner(channel_type=proposed.get("channel_type") or "")
    else:
        return None
    if "region" in proposed:
        candidate.region_id = proposed["region"] or None
    if "exclusive_territory" in proposed:
        candidate.exclusive_territory = bool(proposed["exclusive_territory"])
    if proposed.get("channel_type"):
        candidate.channel_type = proposed["channel_type"]
    return candidate


def territory_problem(filing: Filing, *, anonymous: bool = False) -> tuple[str, str] | None:
    """``(field, message)`` when the partner as filed would clash with another partner's exclusive
    territory (the registry's rule, which would refuse the recording). ``anonymous``: without the
    other partner's name, for partner users."""
    candidate = partner_as_filed(filing)
    if candidate is None or candidate.region_id is None:
        return None
    return partner_services.territory_problem(candidate, anonymous=anonymous)


def open_termination(partner, *, excluding=None):
    queryset = Filing.objects.filter(partner=partner, kind=K.TERMINATION).filter(
        Q(state__in=[s.value for s in OPEN_STATES if s != FilingState.DRAFT]) | Q(state=FilingState.RECORDED)
    )
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding.pk)
    return queryset.first()


def checklist(filing: Filing, *, today: date, anonymous: bool = False) -> Checklist:
    """``anonymous``: for a partner user's eyes (other partners are not named)."""
    result = Checklist()
    missing = missing_information(filing)
    result.add(_("Required information is complete"), not missing, ", ".join(missing))
    for requirement, uploaded in attachment_status(filing):
        result.add(
            _("Attachment: %(name)s") % {"name": requirement.label},
            uploaded,
            ", ".join(f.original_name for f in uploaded) if uploaded else _("missing"),
        )
    if filing.valid_until:
        result.add(
            _("Within its validity"),
            today <= filing.valid_until,
            _("valid until %(date)s") % {"date": filing.valid_until.isoformat()},
        )
    if filing.kind == K.NEW:
        code = normalise_credit_code(filing.proposed.get("credit_code", ""))
        existing = Partner.objects.filter(credit_code=code).first() if code else None
        admitted = partner_services.admitted(code) if existing else None
        if admitted is not None and admitted.pk == existing.pk:
            filed = (
                Filing.objects.filter(kind=K.NEW, partner=existing, state__in=[S.RECORDED, S.EFFECTIVE])
                .exclude(pk=filing.pk)
                .first()
            )
            result.add(
                _("Admitted through application %(reference)s, not filed yet")
                % {"reference": admitted.admission_reference},
                filed is None,
                filed.reference if filed else existing.name,
            )
        else:
            result.add(
                _("Not yet a partner of ours"),
                existing is None,
                _("%(name)s already has this credit code") % {"name": existing.name} if existing else code,
            )
    if filing.kind in (K.NEW, K.CHANGE):
        clash = territory_problem(filing, anonymous=anonymous)
        if clash is not None or (filing.proposed or {}).get("region") or filing.kind == K.CHANGE:
            result.add(
                _("No clash with another partner's exclusive territory"),
                clash is None,
                clash[1].rstrip("。.") if clash else "",  # a detail inside a sentence
            )
    if filing.kind in (K.CHANGE, K.TERMINATION) and filing.partner_id:
        partner = filing.partner
        result.add(
            _("The partner is not terminated"),
            partner.status != PartnerStatus.TERMINATED,
            partner.get_status_display(),
        )
    if filing.kind == K.CHANGE and filing.partner_id:
        stale = stale_fields(filing)
        result.add(
            _("The partner record is unchanged since the filing was made"),
            not stale,
            "; ".join(f"{label}: {old or '—'} → {new or '—'}" for label, (old, new) in stale.items()),
        )
    if filing.kind == K.TERMINATION and filing.partner_id:
        other = open_termination(filing.partner, excluding=filing)
        result.add(
            _("No other termination filing is open for this partner"),
            other is None,
            other.reference if other else "",
        )
        if filing.termination_date and filing.state in (FilingState.DRAFT, FilingState.RETURNED):
            result.add(
                _("The termination date is not in the past"),
                filing.termination_date >= today,
                filing.termination_date.isoformat(),
            )
        impact = termination_impact(filing.partner)
        result.add(
            _("Customers to hand over"),
            True,
            ", ".join(c["name"] for c in impact["customers"]) or _("none"),
            blocking=False,
        )
    return result


def termination_impact(partner) -> dict:
    """The business a termination touches, listed from the data that exists.

    Open orders, stock and unsettled money come from the apps that keep them
    (``channelhub.modules.partner_business``: the orders module); a figure no app keeps is
    ``None`` and its line says so instead of showing a made-up zero.
    """
    from channelhub import modules

    customers = list(
        CustomerRegistration.objects.filter(partner=partner, status__in=[s.value for s in HOLDING_STATUSES])
        .order_by("customer_name")
        .values("pk", "customer_name", "status", "protected_until")
    )
    open_filings = list(
        Filing.objects.filter(partner=partner, state__in=[s.value for s in OPEN_STATES])
        .exclude(kind=K.TERMINATION)
        .values_list("pk", flat=True)
    )
    return {
        "customers": [
            {
                "id": c["pk"],
                "name": c["customer_name"],
                "status": c["status"],
                "until": c["protected_until"].isoformat() if c["protected_until"] else "",
            }
            for c in customers
        ],
        "open_filings": open_filings,
        "orders": None,
        "stock": None,
        "unsettled": None,
        **modules.partner_business(partner),
    }
