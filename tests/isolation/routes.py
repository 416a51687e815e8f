"""Enumerate every route of a URLconf, so that a new route cannot escape the isolation suite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    urlconf: str
    name: str
    pattern: str

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespaces: list[str]
) -> Iterator[tuple[str, str | None]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            spaces = [*namespaces, entry.namespace] if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), spaces)
        else:
            name = ":".join([*namespaces, entry.name]) if entry.name else None
            yield prefix + str(entry.pattern), name


def routes(urlconf: str) -> list[Route]:
    """Every named route once (DRF's format-suffix variants share their route's name)."""
    found: dict[str, Route] = {}
    unnamed = []
    for pattern, name in _walk(get_resolver(urlconf).url_patterns, "", []):
        if name is None:
            unnamed.append(pattern)
            continue
        found.setdefault(name, Route(urlconf, name, pattern.lstrip("^")))
    if unnamed:
        raise AssertionError(f"routes without a name cannot be covered by the isolation suite: {unnamed}")
    return list(found.values())
