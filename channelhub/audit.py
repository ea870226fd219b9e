"""The activity log and the timeline built from it.

``record()`` is called by services inside their transaction; the entry commits
or rolls back with the change it describes. The request's IP and id come from
``RequestIdMiddleware`` through a context variable, so services need no request.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst

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


# Diff values that are codes outside the subject's own fields ("approver_role": "finance"):
# key -> code -> label. Values of the subject's fields with choices need no registration.
VALUE_LABELS: dict[str, dict[str, str]] = {}


def register_value_labels(key: str, choices) -> None:
    VALUE_LABELS.setdefault(key, {}).update({str(value): label for value, label in choices})


def _via_labels() -> dict:
    from django.utils.translation import gettext_lazy as _

    return {
        "email": _("from the e-mail link"),
        "job": _("scheduled job"),
        "import": _("Excel import"),
        "applicant": _("by the applicant"),
        "filing": _("by a filing"),
        "admission": _("from the admission"),
        "system": _("system"),
    }


def via_label(via: str) -> str:
    """How a change arrived, in words ("" for the plain web form, which needs no badge)."""
    if not via or via == "web":
        return ""
    return str(_via_labels().get(via, via))


# Diff keys holding phone numbers, stored in E.164 and shown as people write them.
PHONE_KEYS = {"mobile", "phone", "contact_mobile", "contact_phone"}


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


def change_rows(activity: Activity) -> list[ChangeRow]:
    """The activity's diff in the reader's language: keys are stored as codes (a field name, or a
    key registered in LABELS) and values as stored — words are chosen when the row is shown."""
    model = ContentType.objects.get_for_id(activity.content_type_id).model_class()
    fields = {f.name: f for f in model._meta.get_fields() if hasattr(f, "verbose_name")} if model else {}
    rows = []
    for key, change in (activity.changes or {}).items():
        old, new = change if isinstance(change, (list, tuple)) and len(change) == 2 else ("", change)
        field = fields.get(key)
        # The subject's own field first: LABELS is shared by every model ("name" is a partner's
        # legal name there, not a product's name).
        name = capfirst(field.verbose_name) if field is not None else LABELS.get(key, key)
        rows.append(ChangeRow(str(name), _shown(key, field, old), _shown(key, field, new)))
    return rows


def _shown(key, field, value) -> str:
    from django.db import models
    from django.utils.translation import gettext

    if value is None or value == "":
        return ""
    if isinstance(value, bool) or (
        isinstance(field, models.BooleanField) and str(value) in ("True", "False")
    ):
        return gettext("Yes") if str(value) == "True" else gettext("No")
    if key in VALUE_LABELS:
        return str(VALUE_LABELS[key].get(str(value), value))
    if key in PHONE_KEYS:
        from channelhub.validators import format_phone

        return format_phone(value)
    if field is not None and getattr(field, "flatchoices", None):
        return str(dict((str(code), label) for code, label in field.flatchoices).get(str(value), value))
    return str(value)


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


def apply_changes(obj, fields, data: dict, *, by, verb: str, exclude=("tenant",)) -> dict:
    """Set ``fields`` of ``obj`` (locked by the caller) from ``data`` where it has them, check
    the model's rules, and save and record on its timeline only what changed; the changes
    (``{field: [old, new]}``) are returned — a settings page's one way to save."""
    before = {name: getattr(obj, name) for name in fields}
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
    obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    changes = diff(before, {name: getattr(obj, name) for name in fields})
    if changes:
        obj.save(update_fields=list(fields))
        record(obj, verb, actor=by, changes=changes)
    return changes


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
