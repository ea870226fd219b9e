"""One registration entry per app: how an app plugs into the shared mechanisms.

Every app calls ``register()`` once, from its ``AppConfig.ready()``::

    class ThingsConfig(AppConfig):
        name = "things"

        def ready(self):
            from things import registration

            registration.register()      # → channelhub.modules.register("things", ...)

``channelhub`` itself imports no app: the portal's home tiles, the sidebar, the demo
loader and the beat schedule are built from what the apps registered here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from channelhub import approvals, audit, files, roles


@dataclass(frozen=True)
class Tile:
    """A card on the home page, shown to roles with ``permission``; no ``url_name`` means
    the module is not built yet ("Not available yet")."""

    key: str
    title: str
    icon: str
    permission: str
    text: str
    url_name: str | None = None
    order: int = 100


@dataclass(frozen=True)
class NavEntry:
    """A sidebar link. ``section`` is a heading ("" for the top group); ``active`` and
    ``inactive`` are view-name patterns (``"filings:*"``) that mark the link current."""

    key: str
    label: str
    icon: str
    url_name: str
    permission: str
    order: int = 100
    section: str = ""
    active: tuple[str, ...] = ()
    inactive: tuple[str, ...] = ()
    testid: str = ""
    visible: Callable | None = None  # (request) -> bool, besides the permission

    def is_active(self, view_name: str) -> bool:
        patterns = self.active or (self.url_name,)
        return any(fnmatchcase(view_name, p) for p in patterns) and not any(
            fnmatchcase(view_name, p) for p in self.inactive
        )


@dataclass
class DemoContext:
    """What a demo loader gets: the tenant, its demo people by login (``"manager"``…),
    and ``shared``, where loaders leave what later loaders use (``"demo_partner"``)."""

    tenant: object
    people: dict
    shared: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoLoader:
    """``load(context)`` fills one demo tenant with the app's data (idempotently); loaders run
    by ``order``. ``counts`` name what load_demo reports: name -> callable counting all rows."""

    app_label: str
    load: Callable[[DemoContext], None]
    order: int = 100
    counts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RecordAction:
    """A link an app offers on another app's record ("Change filing" on a partner), without the
    record's app knowing it: ``url_name`` with ``?<query>=<pk>``, for roles with ``permission``.
    ``model`` is the record's ``app_label.ModelName``; ``purpose`` says where the record's pages
    put it (``"change"``: where a governed field is read-only)."""

    key: str
    model: str
    label: str
    icon: str
    url_name: str
    permission: str
    query: str
    purpose: str = ""
    order: int = 100


TILES: list[Tile] = []
RECORD_ACTIONS: list[RecordAction] = []
PICKER_URLS: dict[str, str] = {}  # "app_label.ModelName" -> url name answering a remote picker
NAV: list[NavEntry] = []
DEMO_LOADERS: list[DemoLoader] = []
BEAT_SCHEDULE: dict[str, dict] = {}
PARTNER_BUSINESS: list[Callable] = []  # (partner) -> {"orders": …, "stock": …, "unsettled": …}
REGISTERED: set[str] = set()


def register(
    app_label: str,
    *,
    approval_actions: Iterable[approvals.ApprovalAction] = (),
    file_owners: Iterable[tuple[type, Callable]] = (),
    state_labels: Iterable[tuple[type, type]] = (),
    labels: dict | None = None,
    tiles: Iterable[Tile] = (),
    nav: Iterable[NavEntry] = (),
    demo: Callable[[DemoContext], None] | None = None,
    demo_order: int = 100,
    demo_counts: dict | None = None,
    beat: dict | None = None,
    record_actions: Iterable[RecordAction] = (),
    pickers: dict | None = None,
    partner_business: Callable | None = None,
) -> None:
    """Plug ``app_label`` into the shared mechanisms. Call once, from ``AppConfig.ready()``.

    - ``approval_actions``: ``ApprovalAction``s the app's services request approvals with;
    - ``file_owners``: ``(Model, may_view(request, obj))`` for files hanging on its records;
    - ``state_labels``: ``(Model, TextChoices)`` — words for each workflow model's states
      on timelines (never bare codes in the global map: "active" differs per model);
    - ``labels``: words for audit verbs (``"thing.submitted"``) and diff keys;
    - ``tiles`` and ``nav``: the home page and the sidebar;
    - ``demo`` (with ``demo_order``, ``demo_counts``): the app's demo loader;
    - ``beat``: Celery beat entries (``{"name": {"task": ..., "schedule": ...}}``);
    - ``record_actions``: links the app offers on other apps' records (``RecordAction``);
    - ``pickers``: ``{Model: url_name}`` — the view (``channelhub.pickers.options_response``)
      a searchable picker of that model asks as the user types, in any app's form;
    - ``partner_business``: ``(partner) -> dict`` — the partner's open business the app keeps
      (open orders, stock, unsettled money), which a termination lists (``partner_business()``).
    """
    if app_label in REGISTERED:
        raise RuntimeError(f"{app_label} registered twice: call register() once, from AppConfig.ready()")
    REGISTERED.add(app_label)
    for action in approval_actions:
        approvals.register_action(action)
    for model, may_view in file_owners:
        files.register_file_owner(model, may_view)
    for model, choices in state_labels:
        audit.register_state_labels(model, choices)
    if labels:
        audit.register_labels(labels)
    for tile in tiles:
        _check_permission(tile.permission, tile.key)
        TILES.append(tile)
    TILES.sort(key=lambda t: t.order)
    for entry in nav:
        _check_permission(entry.permission, entry.key)
        NAV.append(entry)
    NAV.sort(key=lambda e: e.order)
    if demo is not None:
        DEMO_LOADERS.append(DemoLoader(app_label, demo, demo_order, dict(demo_counts or {})))
        DEMO_LOADERS.sort(key=lambda loader: loader.order)
    if beat:
        _add_beat_entries(beat)
    for action in record_actions:
        _check_permission(action.permission, action.key)
        RECORD_ACTIONS.append(action)
    RECORD_ACTIONS.sort(key=lambda a: a.order)
    for model, url_name in (pickers or {}).items():
        PICKER_URLS[model._meta.label] = url_name
    if partner_business is not None:
        PARTNER_BUSINESS.append(partner_business)


def partner_business(partner) -> dict:
    """What every app says is still open with ``partner`` (keys an app does not know: absent)."""
    found: dict = {}
    for describe in PARTNER_BUSINESS:
        found.update(describe(partner))
    return found


def _check_permission(permission: str, key: str) -> None:
    if permission not in roles.PERMISSIONS:
        raise ValueError(f"{key}: unknown permission {permission!r}")


def _add_beat_entries(entries: dict) -> None:
    from django.conf import settings

    from channelhub.celery import app as celery_app

    clash = set(entries) & set(BEAT_SCHEDULE)
    if clash:
        raise RuntimeError(f"beat entries registered twice: {sorted(clash)}")
    BEAT_SCHEDULE.update(entries)
    settings.CELERY_BEAT_SCHEDULE.update(entries)
    # django_celery_beat's scheduler reads app.conf.beat_schedule when beat starts (after
    # django.setup(), so after every ready()).
    celery_app.conf.beat_schedule = {**celery_app.conf.beat_schedule, **entries}


def record_actions_for(obj, role: str | None, purpose: str = "") -> list[tuple[RecordAction, str]]:
    """(action, url) pairs other apps offer on ``obj`` to ``role``, for ``purpose``."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from channelhub.tenancy import get_current_tenant

    label = obj._meta.label
    # The active tenant is the record's (managers fail closed); reading it costs no query.
    active = get_current_tenant()
    tenant_slug = active.slug if active is not None and active.pk == obj.tenant_id else obj.tenant.slug
    return [
        (
            action,
            reverse(action.url_name, kwargs={"tenant_slug": tenant_slug})
            + "?"
            + urlencode({action.query: obj.pk}),
        )
        for action in RECORD_ACTIONS
        if action.model == label and action.purpose == purpose and roles.can(role, action.permission)
    ]


def tiles_for(role: str | None) -> list[Tile]:
    """The home-page tiles a role sees, in order."""
    return [tile for tile in TILES if roles.can(role, tile.permission)]


@dataclass(frozen=True)
class NavSection:
    heading: str
    entries: list  # [(NavEntry, is_active)]


def nav_for(request) -> list[NavSection]:
    """The sidebar of the request's member: sections with the entries their role may open."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    sections: dict[str, list] = {}
    for entry in NAV:
        if not roles.can(membership.role, entry.permission):
            continue
        if entry.visible is not None and not entry.visible(request):
            continue
        sections.setdefault(str(entry.section), []).append((entry, entry.is_active(view_name)))
    return [NavSection(heading, entries) for heading, entries in sections.items()]
