"""Customer / deal registration (客户报备): register, detect conflicts, record the order, lapse.

Seed 002's market department: a customer is reported (报备) before it is worked;
the first valid registration protects it (a tenant setting, 6 months by default);
another partner registering the same customer is told it is taken, and managers
see the conflict; without an order the protection lapses; history stays.

While a registration is open (protected, or in conflict) its partner may correct it
(``edit_registration``: the customer itself stays the same) or withdraw it with a reason
(``withdraw_registration``).

The orders module (not built yet) calls ``record_order()`` when a protected
customer's first order is placed; until then a manager sets it on the page.

Status changes go through ``channelhub.workflow.transition()`` (who may, "someone else
changed it first", the audit entry).
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channelhub import audit, periods, roles, validators, workflow
from channelhub.notifications import Kind, Text, notify
from channelhub.roles import Role, members_with
from channelhub.tenancy import get_current_tenant
from filings.models import CustomerRegistration, CustomerStatus, FilingSettings
from filings.models.choices import HOLDING_STATUSES
from filings.models.customers import by_its_partner
from partners.validators import normalise_credit_code

C = CustomerStatus

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
    """Digits only, without the +86 / 0086 country prefix, of the number in its stored form
    (channelhub.validators): "0571-87654321" and "+86 571 8765 4321" are one key; an extension
    is not part of it. Text that is no phone number: its digits."""
    phone = (validators.stored_phone(phone) or str(phone or "")).split(";ext=")[0]
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
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
        today = periods.today()
        if holder is None:
            registration.protected_from = today
            registration.protected_until = periods.add_months(today, cfg.customer_protection_months)
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
                members_with(Role.CHANNEL_MANAGER, Role.CHANNEL_SUPERVISOR),
                kind=Kind.GENERAL,
                title=Text(
                    gettext_noop("Customer registration conflict: %(customer)s"),
                    customer=registration.customer_name,
                ),
                body=Text(
                    gettext_noop("%(new)s registered a customer already held by %(holder)s."),
                    new=partner.name,
                    holder=holder.partner.name,
                ),
                url=registration_url(registration),
            )
    return registration


def record_order(registration, *, by, on: date, reference: str = "") -> CustomerRegistration:
    """The customer's first order was recorded: protection no longer lapses. Called by a
    manager today, by the orders module once it exists."""
    return workflow.transition(
        registration,
        "record_order",
        by=by,
        verb="customer.order_recorded",
        comment=" ".join(filter(None, [on.isoformat(), reference])),
        fields={"order_recorded_on": on, "order_reference": reference, "order_recorded_by": by},
        refused=_("Only a protected registration can get an order."),
    )


def lapse_registration(registration_id: int, *, today: date) -> bool:
    """Protection ends without an order (daily job). Idempotent."""
    registration = CustomerRegistration.objects.filter(pk=registration_id).first()
    if (
        registration is None
        or registration.status != C.PROTECTED
        or registration.order_recorded_on is not None
        or registration.protected_until >= today
    ):
        return False
    try:
        with transaction.atomic():
            # Re-checked under the lock: an order recorded a moment ago changed the status.
            workflow.transition(
                registration,
                "lapse",
                by=None,
                verb="customer.lapsed",
                via="job",
                comment=_("Protected until %(date)s; no order was recorded.")
                % {"date": registration.protected_until.isoformat()},
                fields={"closed_at": timezone.now()},
            )
            notify(
                [registration.registered_by],
                kind=Kind.GENERAL,
                title=Text(
                    gettext_noop("Customer protection lapsed: %(customer)s"),
                    customer=registration.customer_name,
                ),
                url=registration_url(registration),
            )
    except workflow.AlreadyChanged:
        return False
    return True


def release_registration(registration, *, by, reason: str) -> CustomerRegistration:
    if not reason.strip():
        raise ValidationError({"reason": _("Please say why.")})
    return workflow.transition(
        registration,
        "release",
        by=by,
        verb="customer.released",
        comment=reason,
        fields={"closed_at": timezone.now()},
        refused=_("This registration does not hold the customer."),
    )


def resolve_conflict(registration, *, by, award: bool, comment: str) -> CustomerRegistration:
    """A manager decides a conflict: keep the holder (decline this one) or award the customer to this one."""
    if not comment.strip():
        raise ValidationError({"comment": _("Please say why: both partners will read it.")})
    with transaction.atomic():
        cfg = _lock_tenant()
        locked = workflow.lock(registration)
        if locked.status != C.CONFLICT:
            raise workflow.WrongState(locked, _("This conflict has already been resolved."))
        holder = None
        if award:
            holder = holder_of(keys_of(locked.customer_name, locked.contact_phone, locked.credit_code))
            if holder is not None:
                workflow.transition(
                    holder,
                    "release",
                    by=by,
                    verb="customer.released",
                    comment=comment,
                    fields={"closed_at": timezone.now()},
                )
            today = periods.today()
            workflow.transition(
                locked,
                "award",
                by=by,
                verb="customer.awarded",
                comment=comment,
                fields={
                    "protected_from": today,
                    "protected_until": periods.add_months(today, cfg.customer_protection_months),
                },
            )
        else:
            workflow.transition(
                locked,
                "decline",
                by=by,
                verb="customer.declined",
                comment=comment,
                fields={"closed_at": timezone.now()},
            )
        people = [locked.registered_by] + ([holder.registered_by] if holder else [])
        notify(
            people,
            kind=Kind.GENERAL,
            title=Text(
                gettext_noop("Registration conflict decided: %(customer)s"), customer=locked.customer_name
            ),
            body=comment,
            url=registration_url(locked),
        )
    return locked


# What a registration's partner may correct; the customer's name and credit code only as long as
# they still name the same customer (their normalised keys stay), the phone if no other holder has it.
EDITABLE_FIELDS = (
    "customer_name",
    "credit_code",
    "contact_name",
    "contact_phone",
    "region",
    "project_name",
    "expected_amount",
    "expected_close_date",
    "products",
    "notes",
)


def _may_correct(registration, by) -> None:
    roles.require(by, "customers.edit", tenant_id=registration.tenant_id)
    if roles.role_of(by, registration.tenant_id) in roles.PARTNER_ROLES and not by_its_partner(
        registration, by
    ):
        raise PermissionDenied(_("Your role may not do this."))


def edit_registration(registration, *, by, data: dict) -> CustomerRegistration:
    """Correct an open registration. Its protection dates stay; a different customer is a new
    registration (withdraw this one), so the first-come protection cannot be moved to another."""
    _may_correct(registration, by)
    keys = keys_of(data.get("customer_name", ""), data.get("contact_phone", ""), data.get("credit_code", ""))
    with transaction.atomic():
        _lock_tenant()
        locked = workflow.lock(registration)
        if not locked.is_open:
            raise workflow.WrongState(
                locked, _("Only a protected registration or one in conflict can be changed.")
            )
        errors = {}
        if keys["name_key"] != locked.name_key:
            errors["customer_name"] = _(
                "This would be another customer. Withdraw this registration and register that customer instead."
            )
        if keys["credit_key"] and locked.credit_key and keys["credit_key"] != locked.credit_key:
            errors["credit_code"] = _(
                "This credit code belongs to another customer. Withdraw this registration and register "
                "that customer instead."
            )
        if not errors and locked.is_holding and keys["phone_key"] and keys["phone_key"] != locked.phone_key:
            other = holder_of(
                {"name_key": "", "phone_key": keys["phone_key"], "credit_key": ""}, excluding=locked
            )
            if other is not None:
                errors["contact_phone"] = _(
                    "Another registration already holds a customer with this phone number."
                )
        if (
            not errors
            and locked.is_holding
            and keys["credit_key"]
            and keys["credit_key"] != locked.credit_key
        ):
            other = holder_of(
                {"name_key": "", "phone_key": "", "credit_key": keys["credit_key"]}, excluding=locked
            )
            if other is not None:
                errors["credit_code"] = _(
                    "Another registration already holds a customer with this credit code."
                )
        if errors:
            raise ValidationError(errors)
        before = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.phone_key, locked.credit_key = keys["phone_key"], keys["credit_key"]
        after = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
        changes = audit.diff(before, after)
        if not changes:
            return locked
        locked.save()
        audit.record(locked, "customer.edited", actor=by, changes=changes)
    return locked


def withdraw_registration(registration, *, by, reason: str) -> CustomerRegistration:
    """The partner gives up its registration. A customer it held is free again: the managers are
    told when later registrations of it wait in conflict."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please say why.")})
    with transaction.atomic():
        withdrawn = workflow.transition(
            registration,
            "withdraw",
            by=by,
            verb="customer.withdrawn",
            comment=reason,
            fields={"closed_at": timezone.now()},
            refused=_("Only a protected registration or one in conflict can be withdrawn."),
        )
        if withdrawn.conflicts.filter(status=C.CONFLICT).exists():
            notify(
                members_with(Role.CHANNEL_MANAGER, Role.CHANNEL_SUPERVISOR),
                kind=Kind.GENERAL,
                title=Text(
                    gettext_noop("Customer registration withdrawn: %(customer)s"),
                    customer=withdrawn.customer_name,
                ),
                body=Text(
                    gettext_noop(
                        "%(partner)s withdrew its registration; later registrations of this customer wait for a "
                        "decision."
                    ),
                    partner=withdrawn.partner.name,
                ),
                url=registration_url(withdrawn),
            )
    return withdrawn
