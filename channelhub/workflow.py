"""The one transition runner: every state change of every workflow model goes through
``transition()`` (ARCHITECTURE.md §State). A guard refuses transitions run any other way.

A workflow model declares its transitions with django-fsm-2, pure (they change the state
and nothing else), each saying who may take it::

    class Thing(ConcurrentTransitionMixin, TenantOwnedModel):
        state = FSMField(default=S.DRAFT, choices=S.choices, protected=True)

        @transition(field=state, source=S.DRAFT, target=S.SUBMITTED, permission=workflow.may("things.submit"))
        def submit(self): ...

        @transition(field=state, source=S.SUBMITTED, target=S.APPROVED, custom=workflow.BY_APPROVAL)
        def approve(self): ...

and its service runs it::

    def submit_thing(thing, *, by):
        with transaction.atomic():
            thing = workflow.transition(thing, "submit", by=by, verb="thing.submitted",
                                        fields={"submitted_at": timezone.now()})
            notify(...)          # notifications are created on commit
        return thing

``transition()`` does, inside one transaction (its own, or the caller's):

1. locks the row (``SELECT … FOR UPDATE``) and compares the stored state with the state of
   the instance the caller acted on: if someone else moved it first, ``AlreadyChanged``
   ("… changed this a moment ago (who, when) …"), and the caller's instance is reloaded so
   the page shows what is stored;
2. refuses a transition the state does not allow (``WrongState``);
3. checks who may take it: the transition's ``permission`` (``may("perm")``: the actor's
   role through channelhub/roles.py), or an *authority* that stands in for a role — the
   approval mechanism, a recorded filing, the applicant's private link, a scheduled job,
   or another transition of the same service — named by the transition (``custom``) or
   the caller (``authority=``). A transition with neither is a configuration error;
4. runs the transition, sets ``fields``, lets the model stamp the change
   (``stamp_transition(from_state, at)`` if it has one), saves — ``ConcurrentTransition``
   from django-fsm becomes the same ``AlreadyChanged``;
5. writes the audit entry (verb, from → to, comment, changes, via, the actor);
6. queues ``after_commit`` callables with ``transaction.on_commit``.

Services that must read or change more under the same lock first call ``lock(thing)``:
the locked copy, with the same "already changed" check, to pass to ``transition()``.

A web request loads the record afresh, so the state the user saw travels with the form: action
forms carry ``{% seen_state thing %}`` and the app's access function passes it on with
``as_seen(thing, request.POST.get(SEEN_STATE))``; the first lock compares with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm
from django_fsm.signals import pre_transition

from channelhub import audit, roles
from channelhub.tenancy import get_current_tenant

# Who, other than a role, may authorise a transition.
AUTHORITIES = {
    "approval": "the shared approval mechanism: the approver of the step decided",
    "filing": "a recorded filing (报备) that authorises the change",
    "applicant": "the applicant, through their private link (no account)",
    "job": "a scheduled job (a deadline passed)",
    "system": "a consequence of another transition in the same service call",
}
BY_APPROVAL = {"authority": "approval"}
BY_APPLICANT = {"authority": "applicant"}
BY_JOB = {"authority": "job"}
BY_SYSTEM = {"authority": "system"}

_running: ContextVar[bool] = ContextVar("channelhub_workflow_running", default=False)


class WrongState(ValidationError):
    """The transition does not start from the record's state."""

    def __init__(self, instance, message: str | None = None):
        self.instance = instance
        super().__init__(message or _wrong_state_message(instance), code="wrong_state")


class AlreadyChanged(WrongState):
    """Someone else moved the record between the moment the user saw it and now."""

    def __init__(self, instance, *, actor=None, at=None):
        self.actor, self.at = actor, at
        state = _state_display(instance)
        if actor is not None and at is not None:
            message = _(
                "%(name)s changed this a moment ago (%(time)s); it is now “%(state)s”. Nothing was changed."
            ) % {
                "name": actor.display_name,
                "time": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
                "state": state,
            }
        else:
            message = _(
                "Someone else changed this a moment ago; it is now “%(state)s”. Nothing was changed."
            ) % {"state": state}
        super().__init__(instance, message)


def may(permission: str, check: Callable | None = None):
    """A django-fsm transition permission: the user's role in the record's tenant has
    ``permission`` (roles.py), and ``check(instance, user)`` holds where given."""
    if permission not in roles.PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}: add it to channelhub/roles.py")

    def allowed(instance, user) -> bool:
        if user is None or not roles.can(roles.role_of(user, instance.tenant_id), permission):
            return False
        return check is None or bool(check(instance, user))

    allowed.permission = permission
    return allowed


def state_field_of(instance, name: str):
    method = getattr(type(instance), name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ImproperlyConfigured(f"{type(instance).__name__}.{name} is not a django-fsm transition")
    field = meta.field
    return instance._meta.get_field(field) if isinstance(field, str) else field


def lock(instance, *, state_field: str | None = None):
    """The instance's row, locked until the transaction ends, as a fresh copy.

    Refuses with ``AlreadyChanged`` when the stored state differs from the caller's copy's
    (``state_field``: the FSM field; the model's only one by default).
    """
    field = _the_state_field(instance, state_field)
    model = type(instance)
    # The state the user saw on their page (as_seen), else the copy's own; used once.
    expected = instance.__dict__.pop(_SEEN, None) or getattr(instance, field.attname)
    # Through the scoped manager: another tenant's row is not there (DoesNotExist, a 404).
    manager = model._base_manager if get_current_tenant() is None else model._default_manager
    locked = manager.select_for_update().filter(pk=instance.pk, tenant_id=instance.tenant_id).first()
    if locked is None:
        raise model.DoesNotExist(f"no {model.__name__} {instance.pk} in the active tenant")
    if getattr(locked, field.attname) != expected:
        _reload(instance)
        raise _already_changed(instance)
    return locked


SEEN_STATE = "seen_state"  # the hidden field of action forms ({% seen_state obj %})
_SEEN = "_workflow_seen_state"


def as_seen(instance, state: str | None):
    """Note the state the user saw when the page was drawn (an action form's hidden
    ``seen_state``): a web request loads the record afresh, so without this a change made
    since they opened the page would read as "not possible" instead of "X changed this a
    moment ago". A missing or unknown value changes nothing. Returns the instance."""
    if state and _has_one_state_field(instance):
        field = _the_state_field(instance, None)
        if state in {value for value, _label in field.flatchoices}:
            instance.__dict__[_SEEN] = state
    return instance


def transition(
    instance,
    name: str,
    *,
    by,
    verb: str,
    comment: str = "",
    changes: dict | None = None,
    via: str = "web",
    fields: dict | None = None,
    authority: str | None = None,
    refused: str | Callable | None = None,
    after_commit: Iterable[Callable] = (),
):
    """Run transition ``name`` on ``instance`` (see the module docstring); returns the instance."""
    method = getattr(instance, name)
    field = state_field_of(instance, name)
    spec = method._django_fsm.get_transition(getattr(instance, field.attname))
    with transaction.atomic():
        lock(instance, state_field=field.name)
        if spec is None or not can_proceed(method):
            message = refused(instance) if callable(refused) else refused
            raise WrongState(instance, message)
        _check_authority(instance, name, method, spec, by=by, authority=authority)
        before = getattr(instance, field.attname)
        token = _running.set(True)
        try:
            method()
        finally:
            _running.reset(token)
        for key, value in (fields or {}).items():
            setattr(instance, key, value)
        stamp = getattr(instance, "stamp_transition", None)
        if stamp is not None:
            stamp(before, timezone.now())
        try:
            instance.save()
        except ConcurrentTransition:
            _reload(instance)
            raise _already_changed(instance) from None
        audit.record(
            instance,
            verb,
            actor=by,
            from_state=before,
            to_state=getattr(instance, field.attname),
            comment=comment,
            changes=changes,
            via=via,
        )
        for callback in after_commit:
            transaction.on_commit(callback)
    return instance


def _check_authority(instance, name, method, spec, *, by, authority):
    authority = authority or (spec.custom or {}).get("authority")
    if authority is not None:
        if authority not in AUTHORITIES:
            raise ImproperlyConfigured(
                f"unknown authority {authority!r} for {type(instance).__name__}.{name}"
            )
        return
    if spec.permission is None:
        raise ImproperlyConfigured(
            f"{type(instance).__name__}.{name} says neither who may take it (permission=workflow.may(...)) "
            "nor what authorises it (custom={'authority': ...})"
        )
    if by is None or not has_transition_perm(method, by):
        raise PermissionDenied(_("Your role may not do this."))


def _the_state_field(instance, state_field: str | None):
    if state_field is not None:
        return instance._meta.get_field(state_field)
    from django_fsm import FSMFieldMixin

    fields = [f for f in instance._meta.concrete_fields if isinstance(f, FSMFieldMixin)]
    if len(fields) != 1:
        raise ImproperlyConfigured(f"{type(instance).__name__}: name the state field to lock on")
    return fields[0]


def _reload(instance) -> None:
    instance.refresh_from_db()


def _already_changed(instance) -> AlreadyChanged:
    """Who moved it last, from the audit log (the entry that put it in its stored state)."""
    from django.contrib.contenttypes.models import ContentType

    from channelhub.models import Activity

    field = _the_state_field(instance, None) if _has_one_state_field(instance) else None
    entries = Activity.all_tenants.filter(
        tenant_id=instance.tenant_id,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
    )
    if field is not None:
        entries = entries.filter(to_state=getattr(instance, field.attname))
    last = entries.exclude(to_state="").select_related("actor").order_by("-created_at", "-pk").first()
    if last is None or last.actor is None:
        return AlreadyChanged(instance)
    return AlreadyChanged(instance, actor=last.actor, at=last.created_at)


def _has_one_state_field(instance) -> bool:
    from django_fsm import FSMFieldMixin

    return sum(isinstance(f, FSMFieldMixin) for f in instance._meta.concrete_fields) == 1


def _state_display(instance) -> str:
    if not _has_one_state_field(instance):
        return ""
    field = _the_state_field(instance, None)
    return str(
        dict(field.flatchoices).get(getattr(instance, field.attname), getattr(instance, field.attname))
    )


def _wrong_state_message(instance) -> str:
    return _("This %(thing)s is now “%(state)s”; that action is no longer possible.") % {
        "thing": instance._meta.verbose_name,
        "state": _state_display(instance),
    }


def _refuse_outside_the_runner(sender, instance, name, **kwargs):
    if not _running.get():
        raise ImproperlyConfigured(
            f"{sender.__name__}.{name}() was called outside channelhub.workflow.transition(): "
            "run transitions through the shared runner"
        )


# Transitions anywhere else fail loudly, in tests and in production alike.
pre_transition.connect(_refuse_outside_the_runner, dispatch_uid="channelhub-workflow-guard")

__all__ = [
    "AUTHORITIES",
    "BY_APPLICANT",
    "BY_APPROVAL",
    "BY_JOB",
    "BY_SYSTEM",
    "AlreadyChanged",
    "SEEN_STATE",
    "WrongState",
    "as_seen",
    "lock",
    "may",
    "transition",
]
