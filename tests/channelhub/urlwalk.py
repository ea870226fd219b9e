"""Walks the URL resolver so that tests cover every URL, including those later apps add."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

TENANT_KWARG = "tenant_slug"
# Platform operators' site: it has its own staff check and works across tenants.
EXEMPT_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Endpoint:
    route: str  # the whole route, e.g. "t/<slug:tenant_slug>/members/<int:pk>/"
    name: str | None  # namespaced, e.g. "partners:detail"
    callback: object
    kwargs: tuple[str, ...]  # every keyword argument the URL captures, outer ones first
    routes_only: bool  # built with path() throughout (no re_path), so it can be filled in

    @property
    def label(self) -> str:
        return self.name or self.route

    @property
    def is_tenant_url(self) -> bool:
        return TENANT_KWARG in self.kwargs

    @property
    def object_kwargs(self) -> tuple[str, ...]:
        return tuple(k for k in self.kwargs if k != TENANT_KWARG)

    @property
    def access_rule(self):
        return getattr(self.callback, "access_rule", None)


def _kwargs_of(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def walk(patterns=None, *, prefix="", namespaces=(), kwargs=(), routes_only=True):
    """Every URL pattern outside the exempt namespaces, with its full route."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        entry_kwargs = kwargs + _kwargs_of(entry.pattern)
        entry_routes_only = routes_only and isinstance(entry.pattern, RoutePattern)
        if isinstance(entry, URLResolver):
            if entry.namespace in EXEMPT_NAMESPACES:
                continue
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from walk(
                entry.url_patterns,
                prefix=route,
                namespaces=inner,
                kwargs=entry_kwargs,
                routes_only=entry_routes_only,
            )
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield Endpoint(route, name, entry.callback, entry_kwargs, entry_routes_only)


def tenant_endpoints():
    return [endpoint for endpoint in walk() if endpoint.is_tenant_url]


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


def fill(endpoint: Endpoint, **values) -> str:
    """The URL path of ``endpoint`` with its parameters filled in."""
    if not endpoint.routes_only:
        from django.urls import reverse

        if endpoint.name is None:
            raise ValueError(f"re_path() URL {endpoint.route!r} needs a name for the tests to reverse it")
        return reverse(endpoint.name, kwargs=values)
    missing = set(endpoint.kwargs) - set(values)
    if missing:
        raise ValueError(f"no value for {sorted(missing)} in {endpoint.route!r}")
    return "/" + _PARAMETER.sub(lambda match: str(values[match["name"]]), endpoint.route)
