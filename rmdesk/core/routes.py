"""Declaring which object a route looks up, so that the scope sweep can test every route.

A view that takes an object from its URL says which model and which URL keyword with
`@scoped_object(Model)`. The declaration does not protect anything by itself: the view still
looks the object up with `Model.objects.restrict(request.user)`. It tells the route sweep
(rmdesk.core.testing.sweep_routes) how to ask for an object outside the caller's scope, and the
sweep fails for any route that takes URL arguments without saying what they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class ScopedObject:
    """The model a route's URL keyword `kwarg` names, looked up within the caller's scope."""

    model: type[models.Model]
    kwarg: str = "pk"


def scoped_object(model: type[models.Model], kwarg: str = "pk") -> Callable:
    """Mark a view as looking up `model` by the URL keyword `kwarg` within the user's scope."""

    def mark(view: Callable) -> Callable:
        view.scoped_object = ScopedObject(model, kwarg)
        return view

    return mark


@dataclass(frozen=True)
class Route:
    """One URL pattern of the application, flattened out of its includes."""

    name: str
    pattern: str
    view: Callable
    kwargs: tuple[str, ...]
    namespace: str = ""

    @property
    def scoped_object(self) -> ScopedObject | None:
        return getattr(self.view, "scoped_object", None) or getattr(getattr(self.view, "view_class", None), "scoped_object", None)


def all_routes(urlconf: str | None = None) -> list[Route]:
    """Every URL pattern reachable from `urlconf` (the project's by default)."""
    routes: list[Route] = []

    def walk(patterns, prefix: str, converters: tuple[str, ...], namespace: str) -> None:
        for entry in patterns:
            pattern = prefix + str(entry.pattern)
            names = converters + tuple(entry.pattern.converters) if hasattr(entry.pattern, "converters") else converters
            if isinstance(entry, URLResolver):
                inner = ":".join(part for part in (namespace, entry.namespace) if part)
                walk(entry.url_patterns, pattern, names, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or pattern)
                routes.append(Route(name, pattern, entry.callback, names, namespace))

    walk(get_resolver(urlconf).url_patterns, "", (), "")
    return routes
