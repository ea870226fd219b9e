from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingKind(models.TextChoices):
    NEW = "new", _("New channel filing")  # 新渠道报备表
    CHANGE = "change", _("Change filing")  # 渠道业务变更报备表
    TERMINATION = "termination", _("Termination filing")  # 渠道业务终止报备表


class FilingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved, to be recorded")
    REJECTED = "rejected", _("Rejected")
    RECORDED = "recorded", _("Recorded")
    EFFECTIVE = "effective", _("Effective")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


# States in which the filer may still edit the form and its attachments.
EDITABLE_STATES = (FilingState.DRAFT, FilingState.RETURNED)
# States that still count against the filing's validity (not finished either way).
OPEN_STATES = (FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED, FilingState.APPROVED)
CLOSED_STATES = tuple(s for s in FilingState if s not in OPEN_STATES)


class CustomerStatus(models.TextChoices):
    PROTECTED = "protected", _("Protected")
    WON = "won", _("Order recorded")
    CONFLICT = "conflict", _("Conflict: already registered")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Lapsed")
    RELEASED = "released", _("Released")
    WITHDRAWN = "withdrawn", _("Withdrawn by the partner")


# Registrations that hold a customer: nobody else may register it meanwhile.
HOLDING_STATUSES = (CustomerStatus.PROTECTED, CustomerStatus.WON)
# Registrations their partner may still correct or withdraw (an order recorded settles it).
OPEN_STATUSES = (CustomerStatus.PROTECTED, CustomerStatus.CONFLICT)
