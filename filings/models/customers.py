"""Customer / deal registration (客户报备, seed 002's market department rules)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from channelhub import workflow
from channelhub.tenancy import TenantOwnedModel
from channelhub.validators import PhoneNumberField
from filings.models.choices import HOLDING_STATUSES, OPEN_STATUSES, CustomerStatus

C = CustomerStatus
_holding = Q(status__in=[s.value for s in HOLDING_STATUSES])


def by_its_partner(registration, user) -> bool:
    """The user is one of the registration's partner's own active users."""
    from channelhub.models import Membership

    return Membership.all_tenants.filter(
        user_id=user.pk, tenant_id=registration.tenant_id, partner_id=registration.partner_id, is_active=True
    ).exists()


class CustomerRegistration(ConcurrentTransitionMixin, TenantOwnedModel):
    """A partner's claim on an end customer or project before working it.

    The first valid registration holds the customer for the tenant's protection
    period; a later one matching it on normalised name, phone or credit code is
    kept as a conflict for a manager to see. Partial unique constraints make the
    database refuse two holders of one customer, whatever the code does.
    """

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="customer_registrations",
        verbose_name=_("partner"),
    )
    customer_name = models.CharField(_("customer name"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = PhoneNumberField(_("contact phone"), blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    region = models.CharField(_("region"), max_length=100)
    project_name = models.CharField(_("project"), max_length=200, blank=True)
    expected_amount = models.DecimalField(
        _("expected deal (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_close_date = models.DateField(_("expected closing date"), null=True, blank=True)
    products = models.TextField(_("products"))
    notes = models.TextField(_("notes"), blank=True)

    name_key = models.CharField(max_length=200, editable=False)
    phone_key = models.CharField(max_length=30, blank=True, editable=False)
    credit_key = models.CharField(max_length=18, blank=True, editable=False)

    status = FSMField(_("status"), default=C.PROTECTED, choices=C.choices, protected=False)
    protected_from = models.DateField(_("protected from"), null=True, blank=True)
    protected_until = models.DateField(_("protected until"), null=True, blank=True)
    conflicts_with = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conflicts",
        verbose_name=_("conflicts with"),
    )
    order_recorded_on = models.DateField(_("order recorded on"), null=True, blank=True)
    order_reference = models.CharField(_("order reference"), max_length=64, blank=True)
    order_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order recorded by"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer registration")
        verbose_name_plural = _("customer registrations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name_key"], condition=_holding, name="customer_name_held_once"
            ),
            models.UniqueConstraint(
                fields=["tenant", "phone_key"],
                condition=_holding & ~Q(phone_key=""),
                name="customer_phone_held_once",
            ),
            models.UniqueConstraint(
                fields=["tenant", "credit_key"],
                condition=_holding & ~Q(credit_key=""),
                name="customer_credit_code_held_once",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "protected_until"]),
            models.Index(fields=["tenant", "partner", "status"]),
            models.Index(fields=["tenant", "name_key"]),
            models.Index(fields=["tenant", "phone_key"]),
            models.Index(fields=["tenant", "credit_key"]),
        ]

    def __str__(self):
        return self.customer_name

    @property
    def is_holding(self) -> bool:
        return self.status in HOLDING_STATUSES

    @property
    def is_open(self) -> bool:
        """Its partner may still correct it or withdraw it."""
        return self.status in OPEN_STATUSES

    # Pure transitions, run by filings.customers through channelhub.workflow.transition().
    # An order is recorded by a manager on the page (the orders module will pass its own authority).
    @transition(field=status, source=C.PROTECTED, target=C.WON, permission=workflow.may("customers.manage"))
    def record_order(self):
        pass

    @transition(field=status, source=C.PROTECTED, target=C.LAPSED, custom=workflow.BY_JOB)
    def lapse(self):
        pass

    @transition(
        field=status,
        source=[C.PROTECTED, C.WON],
        target=C.RELEASED,
        permission=workflow.may("customers.manage"),
    )
    def release(self):
        pass

    @transition(
        field=status, source=C.CONFLICT, target=C.DECLINED, permission=workflow.may("customers.manage")
    )
    def decline(self):
        pass

    # The partner gives up its own registration (protected, or in conflict) with a reason.
    @transition(
        field=status,
        source=list(OPEN_STATUSES),
        target=C.WITHDRAWN,
        permission=workflow.may("customers.withdraw", by_its_partner),
    )
    def withdraw(self):
        pass

    @transition(
        field=status, source=C.CONFLICT, target=C.PROTECTED, permission=workflow.may("customers.manage")
    )
    def award(self):
        pass
