"""What a capability hands to the search index, and how it asks for a document to be reindexed.

Writers call ``index_later(kind=..., object_id=...)`` inside their own transaction: it adds an
outbox row in that same transaction (services/search owns the outbox and drains it). A capability
that is searchable registers a provider with ``@search_provider(kind)``: given ids, it returns one
``IndexEntry`` per object that still exists (a missing id means "delete from the index").
``manage.py reindex`` rebuilds from the database: give ``all_ids`` (every id of the kind in the
current schema, e.g. ``lambda: Document.objects.values_list("pk", flat=True)``), otherwise a
rebuild only refreshes the ids already in the index. Bulk writers call
``index_later_many(kind=..., object_ids=...)`` (services/search/outbox.py).

Visibility travels with the entry so that every backend narrows a query inside the backend itself:
- ``org_path`` "" means the whole institution (or, in the public schema, every institution);
- otherwise the entry is visible to a user whose own branch path or any unit path they see starts
  with ``org_path`` (the unit is inside the entry's subtree), and to a user whose scope covers
  ``org_path`` (a manager above it). ``scope.everything`` sees every entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class IndexEntry:
    kind: str  # "document", "member", ...
    object_id: int
    title: str
    body: str  # plain text (extracted); the backend segments it
    url: str  # relative to the institution's host
    doc_type: str = ""  # notice / study / minutes / attachment / member
    tags: tuple[str, ...] = ()
    day: date | None = None  # the date a user filters on (published / updated)
    org_path: str = ""  # "" = whole institution; else the subtree the entry is visible in
    extra: dict[str, str] = field(default_factory=dict)  # e.g. pinyin for members


Provider = Callable[[Iterable[int]], Iterable[IndexEntry]]

AllIds = Callable[[], Iterable[int]]
# Ids of the objects whose org_path lies under a path prefix (an org subtree that moved).
IdsUnder = Callable[[str], Iterable[int]]

_PROVIDERS: dict[str, Provider] = {}
_ALL_IDS: dict[str, AllIds] = {}
_IDS_UNDER: dict[str, IdsUnder] = {}


def search_provider(
    kind: str, *, all_ids: AllIds | None = None, ids_under: IdsUnder | None = None
) -> Callable[[Provider], Provider]:
    def register(fn: Provider) -> Provider:
        if kind in _PROVIDERS and _PROVIDERS[kind] is not fn:
            raise ValueError(f"search provider {kind!r} registered twice")
        _PROVIDERS[kind] = fn
        if all_ids is not None:
            _ALL_IDS[kind] = all_ids
        if ids_under is not None:
            _IDS_UNDER[kind] = ids_under
        return fn

    return register


def provider_ids_under(kind: str) -> IdsUnder | None:
    """The ``ids_under`` a provider registered (None: its entries never depend on the org tree)."""
    return _IDS_UNDER.get(kind)


def provider_all_ids(kind: str) -> AllIds | None:
    """The ``all_ids`` a provider registered (None: reindex refreshes what the index holds)."""
    return _ALL_IDS.get(kind)


def unregister(kind: str) -> None:
    """Forget a provider (tests register their own)."""
    _PROVIDERS.pop(kind, None)
    _ALL_IDS.pop(kind, None)
    _IDS_UNDER.pop(kind, None)


def providers() -> dict[str, Provider]:
    """Every provider, after importing each installed app's ``search_index`` module."""
    autodiscover_modules("search_index")
    return dict(_PROVIDERS)
