"""The activity log and the timeline built from it.

``record()`` is called by services inside their transaction; the entry commits
or rolls back with the change it describes. The request's IP and id come from
``RequestIdMiddleware`` through a context variable, so services need no request.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType

from channelhub.models import Activity, Comment, StoredFile

# Words for audit verbs and diff keys shown in timelines ({"partner.suspended": _("Suspended the
# partner")}); every app registers its own through channelhub.modules.register(labels=...).
# State codes are not in here: they are per model (STATE_LABELS).
LABELS: dict[str, str] = {}


def register_labels(labels: dict) -> None:
    LABELS.update(labels)


def label(code: str) -> str:
    return LABELS.get(code, code)


# State codes repeat across models ("active" is a partner's status and an application's last
# state), so each workflow model registers its own: "app_label.model" -> code -> label.
STATE_LABELS: dict[str, dict[str, str]] = {}


def register_state_labels(model, choices) -> None:
    """Labels for the states of ``model`` (a TextChoices class), used by the timeline."""
    STATE_LABELS.setdefault(model._meta.label_lower, {}).update({c.value: c.label for c in choices})


def state_label(activity: Activity, code: str) -> str:
    """``code`` in words, as a state of the activity's subject (no query: content types are cached)."""
    if not code:
        return ""
    subject = ContentType.objects.get_for_id(activity.content_type_id)
    labels = STATE_LABELS.get(f"{subject.app_label}.{subject.model}", {})
    return labels.get(code) or label(code)


# Set per request by RequestIdMiddleware: (ip_address, request_id).
request_meta: ContextVar[tuple[str | None, str]] = ContextVar("channelhub_request_meta", default=(None, ""))


def record(
    subject,
    verb: str,
    *,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict | None = None,
    via: str = "web",
) -> Activity:
    ip_address, request_id = request_meta.get()
    return Activity.objects.create(
        tenant_id=subject.tenant_id,
        actor=actor,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        verb=verb,
        from_state=from_state or "",
        to_state=to_state or "",
        comment=comment or "",
        changes=changes or {},
        ip_address=ip_address,
        request_id=request_id,
        via=via,
    )


def diff(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for the fields whose value changed (values as strings)."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _plain(value):
    return "" if value is None else str(value)


def add_comment(subject, *, author, body: str) -> Comment:
    return Comment.objects.create(
        tenant_id=subject.tenant_id,
        author=author,
        body=body,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
    )


@dataclass
class TimelineEntry:
    kind: str  # "activity", "comment", "file"
    at: datetime
    item: object


def timeline_for(subject, *, limit: int = 200) -> list[TimelineEntry]:
    """Activity, comments and files of one record, oldest first: three queries."""
    content_type = ContentType.objects.get_for_model(subject)
    where = {"content_type": content_type, "object_id": subject.pk}
    entries = [
        TimelineEntry("activity", a.created_at, a)
        for a in Activity.objects.filter(**where).select_related("actor").order_by("-created_at")[:limit]
    ]
    entries += [
        TimelineEntry("comment", c.created_at, c)
        for c in Comment.objects.filter(**where).select_related("author").order_by("-created_at")[:limit]
    ]
    entries += [
        TimelineEntry("file", f.created_at, f)
        for f in StoredFile.objects.filter(**where)
        .select_related("uploaded_by")
        .order_by("-created_at")[:limit]
    ]
    entries.sort(key=lambda entry: entry.at)
    return entries[-limit:]
