from filings.models.choices import CustomerStatus, FilingKind, FilingState
from filings.models.config import SETTINGS_FIELDS, FilingSettings, RequiredAttachment
from filings.models.customers import CustomerRegistration
from filings.models.filing import Filing, FilingReminder, RecordCounter

__all__ = [
    "CustomerRegistration",
    "CustomerStatus",
    "Filing",
    "FilingKind",
    "FilingReminder",
    "FilingSettings",
    "SETTINGS_FIELDS",
    "FilingState",
    "RecordCounter",
    "RequiredAttachment",
]
