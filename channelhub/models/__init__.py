from channelhub.models.accounts import Invitation, Membership, Tenant, User, UserManager
from channelhub.models.approvals import ApprovalLink, ApprovalRequest, ApprovalStep
from channelhub.models.audit import Activity, Comment
from channelhub.models.files import ImportStatus, SpreadsheetImport, StoredFile
from channelhub.models.notifications import Notification, NotificationPreference, OutboxMessage, OutgoingEmail

__all__ = [
    "Activity",
    "ApprovalLink",
    "ApprovalRequest",
    "ApprovalStep",
    "Comment",
    "ImportStatus",
    "Invitation",
    "Membership",
    "Notification",
    "NotificationPreference",
    "OutboxMessage",
    "OutgoingEmail",
    "SpreadsheetImport",
    "StoredFile",
    "Tenant",
    "User",
    "UserManager",
]
