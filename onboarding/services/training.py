"""Onboarding training (入职培训): a checklist per new partner from the tenant's topics,
ticked off by the department responsible for each topic."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from channelhub import audit, roles
from onboarding.models import TrainingTask, TrainingTopic
from onboarding.services.common import atomic


def create_training_checklist(partner, *, application=None) -> list[TrainingTask]:
    """Idempotent: a partner that has a checklist keeps it."""
    existing = list(TrainingTask.objects.filter(partner=partner))
    if existing:
        return existing
    tasks = [
        TrainingTask(
            tenant_id=partner.tenant_id,
            partner=partner,
            application=application,
            topic=topic,
            title=topic.title,
            description=topic.description,
            responsible_role=topic.responsible_role,
            order=topic.order,
        )
        for topic in TrainingTopic.objects.filter(is_active=True).order_by("order", "pk")
    ]
    TrainingTask.objects.bulk_create(tasks)
    return list(TrainingTask.objects.filter(partner=partner))


def responsible_for(task, role) -> bool:
    """Whether ``role`` ticks ``task`` off: the department responsible for it, if it trains
    (``onboarding.train``, the page's permission). The service's rule and the page's button."""
    return role == task.responsible_role and roles.can(role, "onboarding.train")


def complete_training_task(task, *, by, note: str = ""):
    if not responsible_for(task, roles.role_of(by, task.tenant_id)):
        raise PermissionDenied("only the responsible department ticks this off")
    with atomic():
        locked = TrainingTask.objects.select_for_update().select_related("partner").get(pk=task.pk)
        if locked.completed_at is not None:
            raise ValidationError(_("This training was already ticked off."))
        locked.completed_at, locked.completed_by, locked.note = timezone.now(), by, note.strip()[:300]
        locked.save(update_fields=["completed_at", "completed_by", "note"])
        audit.record(
            locked.partner,
            "onboarding.training_completed",
            actor=by,
            comment=f"{locked.title} {note}".strip(),
        )
    return locked
