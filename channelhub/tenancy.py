"""Tenant context and fail-closed managers (the django-scopes pattern).

The active tenant lives in a context variable, set by ``TenantMiddleware`` for a
request, by ``TenantTask`` for a Celery task and by ``tenant_context()`` anywhere
else. Tenant-owned models' default manager refuses to query when no tenant is
active. The only ways out are ``unscoped()`` and the ``all_tenants`` manager —
grep for them when reviewing.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models

if TYPE_CHECKING:
    from channelhub.models import Tenant

_active_tenant: ContextVar[Tenant | None] = ContextVar("channelhub_tenant", default=None)
_unscoped: ContextVar[bool] = ContextVar("channelhub_unscoped", default=False)


class TenantNotActive(ImproperlyConfigured):
    """A tenant-owned model was queried with no tenant active and no explicit way out."""


def get_current_tenant() -> Tenant | None:
    return _active_tenant.get()


@contextmanager
def tenant_context(tenant: Tenant | None):
    """Run a block with ``tenant`` active (``None`` deactivates)."""
    token = _active_tenant.set(tenant)
    try:
        yield tenant
    finally:
        _active_tenant.reset(token)


@contextmanager
def unscoped():
    """Explicit way out of the tenant scope: admin, migrations, management commands."""
    token = _unscoped.set(True)
    try:
        yield
    finally:
        _unscoped.reset(token)


class TenantQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _stamp_and_check(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        _stamp_and_check(objs)
        return super().bulk_update(objs, *args, **kwargs)


def _stamp_and_check(objs) -> None:
    """Bulk writes get the same tenant stamp and checks as ``save()``."""
    if _unscoped.get():
        return
    active = _active_tenant.get()
    for obj in objs:
        if obj.tenant_id is None:
            if active is None:
                raise TenantNotActive(f"cannot bulk-write {type(obj).__name__} without a tenant")
            obj.tenant = active
        elif active is not None and obj.tenant_id != active.pk:
            raise TenantNotActive(f"{type(obj).__name__} belongs to another tenant than the active one")
        obj.check_same_tenant_relations()


class _ScopeMissingQuerySet(TenantQuerySet):
    """Built with no tenant active: may be chained and passed around (form field
    declarations do that at import time) but refuses to touch the database."""

    def _refuse(self, *args, **kwargs):
        raise TenantNotActive(
            f"{self.model.__name__} queried with no active tenant; use tenant_context() or unscoped()"
        )

    # Every way a queryset reaches the database, including use as a subquery.
    _fetch_all = count = exists = aggregate = update = _update = delete = iterator = aiterator = _refuse
    contains = explain = raw = bulk_create = bulk_update = resolve_expression = _refuse


class TenantScopedManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager of tenant-owned models: filters by the active tenant, or
    returns a queryset that refuses to run."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if _unscoped.get():
            return queryset
        tenant = _active_tenant.get()
        if tenant is None:
            queryset.__class__ = _refusing_class(type(queryset))
            return queryset
        return queryset.filter(tenant=tenant)


_refusing_classes: dict[type, type] = {}


def _refusing_class(queryset_class: type) -> type:
    """The refusing variant of a (possibly custom) queryset class, made once per class."""
    if queryset_class not in _refusing_classes:
        _refusing_classes[queryset_class] = type(
            f"ScopeMissing{queryset_class.__name__}", (_ScopeMissingQuerySet, queryset_class), {}
        )
    return _refusing_classes[queryset_class]


class TenantOwnedModel(models.Model):
    """Base for every tenant-owned table, child rows included.

    ``save()`` stamps the active tenant and refuses a foreign key that points into
    another tenant, so a forged id in a form cannot link across tenants.
    """

    # Editable only so the platform admin can pick it; portal forms list their fields explicitly.
    tenant = models.ForeignKey("channelhub.Tenant", on_delete=models.PROTECT, related_name="+")

    objects = TenantScopedManager()
    all_tenants = models.Manager()  # noqa: DJ012 — unscoped: admin, migrations, cross-tenant jobs only

    class Meta:
        abstract = True
        base_manager_name = "all_tenants"

    def save(self, *args, **kwargs):
        active = _active_tenant.get()
        if self.tenant_id is None:
            if active is None:
                raise TenantNotActive(f"cannot save {type(self).__name__} without a tenant")
            self.tenant = active
        elif active is not None and active.pk != self.tenant_id and not _unscoped.get():
            raise TenantNotActive(f"{type(self).__name__} belongs to another tenant than the active one")
        self.check_same_tenant_relations()
        super().save(*args, **kwargs)

    def check_same_tenant_relations(self):
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.name == "tenant":
                continue
            related_model = field.related_model
            if not (isinstance(related_model, type) and issubclass(related_model, TenantOwnedModel)):
                continue
            related_id = getattr(self, field.attname)
            if related_id is None:
                continue
            related = getattr(self, field.name)
            if related.tenant_id != self.tenant_id:
                raise ValidationError({field.name: "Refers to a record of another tenant."})
