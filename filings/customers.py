"""Customer / deal registration (客户报备): register, detect conflicts, record the order, lapse.

Seed 002's market department: a customer is reported (报备) before it is worked;
the first valid registration protects it (a tenant setting, 6 months by default);
another partner registering the same customer is told it is taken, and managers
see the conflict; without an order the protection lapses; history stays.

The orders module (not built yet) calls ``record_order()`` when a protected
customer's first order is placed; until then a manager sets it on the page.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channelhub import audit
from channelhub.notifications import Kind, notify
from channelhub.roles import Role
from channelhub.tenancy import get_current_tenant
from filings import deadlines
from filings.models import CustomerRegistration, CustomerStatus, FilingSettings
from filings.models.choices import HOLDING_STATUSES
from partners.validators import normalise_credit_code

C = CustomerStatus

audit.register_labels(
    {
        "customer.registered": gettext_lazy("Registered the customer"),
        "customer.conflict": gettext_lazy("Registration conflict: the customer is already registered"),
        "customer.order_recorded": gettext_lazy("Order recorded: protection kept"),
        "customer.lapsed": gettext_lazy("Protection lapsed (no order)"),
        "customer.released": gettext_lazy("Released the customer"),
        "customer.declined": gettext_lazy("Conflict resolved: registration declined"),
        "customer.awarded": gettext_lazy("Conflict resolved: customer awarded to this registration"),
        "protected": gettext_lazy("Protected"),
        "won": gettext_lazy("Order recorded"),
        "conflict": gettext_lazy("Conflict"),
        "declined": gettext_lazy("Declined"),
        "lapsed": gettext_lazy("Lapsed"),
        "released": gettext_lazy("Released"),
    }
)

# Company-form words that do not tell two customers apart (longest first).
_SUFFIXES = sorted(
    [
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "集团公司",
        "集团",
        "分公司",
        "公司",
        "coltd",
        "co",
        "ltd",
        "limited",
        "inc",
        "corporation",
        "corp",
        "llc",
        "gmbh",
    ],
    key=len,
    reverse=True,
)


def normalise_name(name: str) -> str:
    """Full-width to half-width, case, spaces, punctuation and company-form suffixes removed:
    "郑州 鑫联通讯器材（有限公司）" and "郑州鑫联通讯器材有限公司" are the same customer."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] in {"L", "N"})
    changed = True
    while changed and text:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
                break
    return text[:200]


def normalise_phone(phone: str) -> str:
    """Digits only, without the +86 / 0086 country prefix."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            digits = digits[len(prefix) :]
            break
    return digits[:30]


def keys_of(customer_name: str, contact_phone: str = "", credit_code: str = "") -> dict:
    return {
        "name_key": normalise_name(customer_name),
        "phone_key": normalise_phone(contact_phone),
        "credit_key": normalise_credit_code(credit_code),
    }


def holder_of(keys: dict, *, excluding=None) -> CustomerRegistration | None:
    """The registration holding a customer that matches on any of the keys."""
    match = Q(name_key=keys["name_key"]) if keys["name_key"] else Q(pk__in=[])
    if keys["phone_key"]:
        match |= Q(phone_key=keys["phone_key"])
    if keys["credit_key"]:
        match |= Q(credit_key=keys["credit_key"])
    queryset = CustomerRegistration.objects.filter(match, status__in=[s.value for s in HOLDING_STATUSES])
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding.pk)
    return queryset.select_related("partner").order_by("created_at").first()


def registration_url(registration) -> str:
    return reverse(
        "filings:customer-detail", kwargs={"tenant_slug": get_current_tenant().slug, "pk": registration.pk}
    )


def _managers() -> list:
    from filings.services import users_with

    return users_with(Role.CHANNEL_MANAGER, Role.CHANNEL_SUPERVISOR)


def _lock_tenant() -> FilingSettings:
    """Serialise registrations of one tenant on its settings row (see FilingSettings)."""
    from filings.services import get_settings

    return FilingSettings.objects.select_for_update().get(pk=get_settings().pk)


def register_customer(*, partner, by, data: dict) -> CustomerRegistration:
    """Register a customer for ``partner``. Returns the registration: protected when the customer
    was free, in conflict (and managers told) when another partner holds it."""
    keys = keys_of(data.get("customer_name", ""), data.get("contact_phone", ""), data.get("credit_code", ""))
    if not keys["name_key"]:
        raise ValidationError({"customer_name": _("Enter the customer's name.")})
    with transaction.atomic():
        cfg = _lock_tenant()
        holder = holder_of(keys)
        if holder is not None and holder.partner_id == partner.pk:
            raise ValidationError(
                _("Your company already registered this customer (%(name)s), protected until %(date)s.")
                % {
                    "name": holder.customer_name,
                    "date": holder.protected_until.isoformat() if holder.protected_until else "—",
                }
            )
        registration = CustomerRegistration(partner=partner, registered_by=by, **keys, **data)
        today = deadlines.tenant_today()
        if holder is None:
            registration.protected_from = today
            registration.protected_until = deadlines.add_months(today, cfg.customer_protection_months)
        else:
            registration.status = C.CONFLICT
            registration.conflicts_with = holder
        registration.save()
        audit.record(
            registration,
            "customer.conflict" if holder else "customer.registered",
            actor=by,
            to_state=registration.status,
        )
        if holder is not None:
            audit.record(
                holder,
                "customer.conflict",
                actor=by,
                # No name here: the holder's partner users read this timeline too.
                comment=_("Another partner also registered this customer; the managers were told."),
            )
            notify(
                _managers(),
                kind=Kind.GENERAL,
                title=_("Customer registration conflict: %(customer)s")
                % {"customer": registration.customer_name},
                body=_("%(new)s registered a customer already held by %(holder)s.")
                % {"new": partner.name, "holder": holder.partner.name},
                url=registration_url(registration),
            )
    return registration


def record_order(registration, *, by, on: date, reference: str = "") -> CustomerRegistration:
    """The customer's first order was recorded: protection no longer lapses. Called by a
    manager today, by the orders module once it exists."""
    with transaction.atomic():
        locked = CustomerRegistration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != C.PROTECTED:
            raise ValidationError(_("Only a protected registration can get an order."))
        before = locked.status
        locked.record_order()
        locked.order_recorded_on, locked.order_reference, locked.order_recorded_by = on, reference, by
        locked.save()
        audit.record(
            locked,
            "customer.order_recorded",
            actor=by,
            from_state=before,
            to_state=locked.status,
            comment=" ".join(filter(None, [on.isoformat(), reference])),
        )
    return locked


def lapse_registration(registration_id: int, *, today: date) -> bool:
    """Protection ends without an order (daily job). Idempotent."""
    with transaction.atomic():
        locked = CustomerRegistration.objects.select_for_update().filter(pk=registration_id).first()
        if (
            locked is None
            or locked.status != C.PROTECTED
            or locked.order_recorded_on is not None
            or locked.protected_until >= today
        ):
            return False
        before = locked.status
        locked.lapse()
        locked.closed_at = timezone.now()
        locked.save()
        audit.record(
            locked,
            "customer.lapsed",
            from_state=before,
            to_state=locked.status,
            via="job",
            comment=_("Protected until %(date)s; no order was recorded.")
            % {"date": locked.protected_until.isoformat()},
        )
        notify(
            [locked.registered_by],
            kind=Kind.GENERAL,
            title=_("Customer protection lapsed: %(customer)s") % {"customer": locked.customer_name},
            url=registration_url(locked),
        )
    return True


def release_registration(registration, *, by, reason: str) -> CustomerRegistration:
    if not reason.strip():
        raise ValidationError({"reason": _("Please say why.")})
    with transaction.atomic():
        locked = CustomerRegistration.objects.select_for_update().get(pk=registration.pk)
        if locked.status not in HOLDING_STATUSES:
            raise ValidationError(_("This registration does not hold the customer."))
        before = locked.status
        locked.release()
        locked.closed_at = timezone.now()
        locked.save()
        audit.record(
            locked, "customer.released", actor=by, from_state=before, to_state=locked.status, comment=reason
        )
    return locked


def resolve_conflict(registration, *, by, award: bool, comment: str) -> CustomerRegistration:
    """A manager decides a conflict: keep the holder (decline this one) or award the customer to this one."""
    if not comment.strip():
        raise ValidationError({"comment": _("Please say why: both partners will read it.")})
    with transaction.atomic():
        cfg = _lock_tenant()
        locked = CustomerRegistration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != C.CONFLICT:
            raise ValidationError(_("This conflict has already been resolved."))
        before = locked.status
        holder = None
        if award:
            holder = holder_of(keys_of(locked.customer_name, locked.contact_phone, locked.credit_code))
            if holder is not None:
                holder = CustomerRegistration.objects.select_for_update().get(pk=holder.pk)
                holder_before = holder.status
                holder.release()
                holder.closed_at = timezone.now()
                holder.save()
                audit.record(
                    holder,
                    "customer.released",
                    actor=by,
                    from_state=holder_before,
                    to_state=holder.status,
                    comment=comment,
                )
            today = deadlines.tenant_today()
            locked.award()
            locked.protected_from = today
            locked.protected_until = deadlines.add_months(today, cfg.customer_protection_months)
        else:
            locked.decline()
            locked.closed_at = timezone.now()
        locked.save()
        audit.record(
            locked,
            "customer.awarded" if award else "customer.declined",
            actor=by,
            from_state=before,
            to_state=locked.status,
            comment=comment,
        )
        people = [locked.registered_by] + ([holder.registered_by] if holder else [])
        notify(
            people,
            kind=Kind.GENERAL,
            title=_("Registration conflict decided: %(customer)s") % {"customer": locked.customer_name},
            body=comment,
            url=registration_url(locked),
        )
    return locked
