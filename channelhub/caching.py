"""Values every page reads, kept in the shared cache and dropped when their sources change.

Each kept value names the *scopes* it was computed from (``"user:7"``, ``"tenants"``,
``"inbox:7"``…). A scope has a generation number in the cache, and a value is stored with the
generations it was computed at; one read fetches the value and the current generations
together (a single round trip), and a value whose generations are not the current ones is
recomputed. So ``changed(scope)`` — one increment — outdates every value computed from that
scope at once, in every process, and a value computed from rows read just before a change
carries the old generation and is never used. ``changed()`` bumps at once (the rest of this
transaction reads the new data) and again when the transaction commits (a request that read
the generation and then the old rows in between cannot keep them).

Only with a cache every process shares (``settings.SHARED_CACHE``: Redis). With the
per-process memory cache of a development machine, a change made by the Celery worker or
another runserver thread would not reach the web process, so nothing is kept: the values are
computed on every call, as before.

What changes a scope is declared next to its model (signals connected from the AppConfig, and
``InvalidatingQuerySet`` for ``update()``): docs/performance.md lists the kept values.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction

_GENERATION = "gen:{}"
_VALUE = "kept:{}"
# A kept value lives at most this long, whatever happens: a bound on anything a change forgot.
TIMEOUT = 10 * 60


def enabled() -> bool:
    return settings.SHARED_CACHE


def kept(key: str, scopes: tuple[str, ...], compute, timeout: int = TIMEOUT):
    """``compute()``, or the value it returned since none of ``scopes`` changed."""
    if not enabled():
        return compute()
    names = [_GENERATION.format(scope) for scope in scopes]
    value_key = _VALUE.format(key)
    found = cache.get_many([value_key, *names])
    generations = tuple(found.get(name, 0) for name in names)
    stored = found.get(value_key)
    if stored is not None and stored[0] == generations:
        return stored[1]
    value = compute()
    cache.set(value_key, (generations, value), timeout)
    return value


def _bump(scopes) -> None:
    for scope in scopes:
        name = _GENERATION.format(scope)
        try:
            cache.incr(name)
        except ValueError:
            # First change, or the generation was evicted: start from the clock, never from a
            # number an older value may still be stored under.
            if not cache.add(name, time.time_ns() // 1000, None):
                cache.incr(name)


def changed(*scopes: str) -> None:
    """Everything computed from these scopes is recomputed on its next read."""
    scopes = tuple(dict.fromkeys(s for s in scopes if s))
    if not scopes or not enabled():
        return
    _bump(scopes)
    transaction.on_commit(lambda: _bump(scopes))


class InvalidatingQuerySet(models.QuerySet):
    """``update()``, ``bulk_create()`` and ``bulk_update()`` tell the cache too: signals do not
    fire for them. The model says which scopes its rows belong to with a
    ``cache_scopes(queryset)`` class method and a ``cache_scopes_of(row)`` static method."""

    def update(self, **kwargs):
        scopes = self.model.cache_scopes(self) if enabled() else ()
        updated = super().update(**kwargs)
        changed(*scopes)
        return updated

    update.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if enabled():
            changed(*(scope for obj in created for scope in self.model.cache_scopes_of(obj)))
        return created

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        updated = super().bulk_update(objs, *args, **kwargs)
        if enabled():
            changed(*(scope for obj in objs for scope in self.model.cache_scopes_of(obj)))
        return updated


def watch(model) -> None:
    """Saving or deleting one of ``model``'s rows changes its ``cache_scopes_of(row)``."""
    from django.db.models.signals import post_delete, post_save

    def on_change(sender, instance, **kwargs):
        if enabled():
            changed(*model.cache_scopes_of(instance))

    uid = f"channelhub.caching:{model._meta.label}"
    post_save.connect(on_change, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(on_change, sender=model, weak=False, dispatch_uid=uid)
