"""The search interface: one small API, two backends chosen by settings.

``get_backend()`` returns the configured backend (``SEARCH_BACKEND``: "postgres", the default,
or "elasticsearch" when ``ELASTICSEARCH_URL`` is set). The rest of the code never imports the
Elasticsearch client or writes index SQL: it calls ``upsert`` / ``delete`` (the outbox and
``reindex`` do) and ``search`` (the selectors do).

Every search carries a ``Visibility`` and the backend narrows INSIDE its query (a SQL WHERE
clause, an Elasticsearch filter), never by dropping hits afterwards, so counts and pages are
right and nothing invisible ever leaves the backend:
- kind "member" (services/organization/scope.py): ``everything``, or the entry's ``org_path``
  (the member's branch path) starts with one of ``seen_paths``, or the entry is the user's own
  record;
- any other kind (services/search/contract.py): ``org_path`` "" (the whole institution; in the
  public schema every institution), ``everything``, the entry lies inside a subtree the user
  sees (``org_path`` starts with a seen path), or the entry's subtree contains the user's own
  branch or a unit they see (``org_path`` is one of ``within_paths``, the prefixes of those).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings

from ..contract import IndexEntry

MEMBER_KIND = "member"


@dataclass(frozen=True)
class Visibility:
    everything: bool = False
    seen_paths: tuple[str, ...] = ()
    within_paths: tuple[str, ...] = ()
    own_member_id: int | None = None


def path_prefixes(path: str) -> list[str]:
    """ "1.5.9." -> ["1.", "1.5.", "1.5.9."]: the subtrees that contain the unit at ``path``."""
    parts = [part for part in path.split(".") if part]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


@dataclass(frozen=True)
class Query:
    text: str
    visibility: Visibility
    kinds: tuple[str, ...] = ()
    doc_type: str = ""
    tag: str = ""
    day_from: date | None = None
    day_to: date | None = None
    org_path: str = ""  # only entries inside this unit's subtree
    limit: int = 20
    offset: int = 0
    prefix: bool = False  # results as you type: the last token matches as a prefix


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: str  # HTML: the original text, escaped, query words in <mark>
    doc_type: str = ""
    tags: tuple[str, ...] = ()
    day: date | None = None
    org_path: str = ""
    score: float = 0.0
    public: bool = False  # published in the public schema (every institution)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int
    # Some shards did not answer (a node down and no other copy of its shards yet): the hits and
    # the total count only what the others hold. The page and the API say so.
    partial: bool = False


class BackendUnavailable(Exception):
    """The backend did not confirm (down, refused, timed out): the outbox keeps the rows."""


class SearchBackend(ABC):
    name: str = ""

    @abstractmethod
    def upsert(self, *, schema: str, entries: Sequence[IndexEntry]) -> None:
        """Add or replace ``entries`` in ``schema``'s index; returns only once stored."""

    @abstractmethod
    def delete(self, *, schema: str, keys: Iterable[tuple[str, int]]) -> None:
        """Remove (kind, object_id) pairs; missing ones are fine."""

    @abstractmethod
    def search(self, *, schema: str, query: Query) -> Results:
        """Hits visible under ``query.visibility`` in ``schema`` and, for an institution, the
        public schema; ranked, filtered, with snippets."""

    @abstractmethod
    def object_ids(self, *, schema: str, kind: str) -> set[int]:
        """Every object id of ``kind`` in ``schema``'s index (reindex prunes the rest)."""

    @abstractmethod
    def drop(self, *, schema: str) -> None:
        """Forget ``schema``'s whole index (benchmarks, a deleted institution)."""

    @abstractmethod
    def ping(self) -> None:
        """Raise ``BackendUnavailable`` unless the backend answers (health checks)."""

    def refresh(self, *, schema: str) -> None:  # noqa: B027 (optional: a no-op where writes are visible at once)
        """Make everything stored so far searchable (Elasticsearch refreshes; PostgreSQL is
        always read-your-writes)."""


def get_backend(name: str | None = None) -> SearchBackend:
    chosen = name or settings.SEARCH_BACKEND
    if chosen == "postgres":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if chosen == "elasticsearch":
        from .elastic import ElasticsearchBackend

        return ElasticsearchBackend(
            url=settings.ELASTICSEARCH_URL, prefix=settings.SEARCH_ES_INDEX_PREFIX, replicas=settings.SEARCH_ES_REPLICAS
        )
    raise ValueError(f"unknown SEARCH_BACKEND {chosen!r}")


def entry_fields(entry: IndexEntry) -> dict[str, Any]:
    """The extra text of an entry that is searched with title weight (pinyin of a name)."""
    return {key: value for key, value in entry.extra.items() if value}
