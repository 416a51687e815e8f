"""Elasticsearch index layout: an alias per schema over a versioned concrete index, and the
rebuild that swaps it without taking search down.

Layout: every read and write names the alias ``<prefix>-<schema>``; it points at exactly one
concrete index ``<prefix>-<schema>-<generation>`` (``-000001``, ``-000002``, …), its write index.
The first write creates generation 1 together with the alias in one ``indices.create`` call (an
index and its aliases appear in the same cluster-state update): when two workers race, one gets
``resource_already_exists_exception`` and simply uses the alias the other created.

The old layout (before aliases) is a concrete index named like the alias. It keeps working as it
is (reads and writes name the same string) until a rebuild migrates it: the new generation is
filled and ONE ``update_aliases`` call removes the old index (``remove_index``) and adds the
alias — Elasticsearch cannot add an alias that has the name of an existing index, so both must
happen in the same call, which it applies atomically.

Rebuild (``begin_rebuild`` → ``Rebuild.upsert`` … → ``Rebuild.finish``, or ``abort``):
1. put a write block (``index.blocks.write``) on the current concrete index: reads go on, every
   write through the alias is refused (403) from now on;
2. create generation n+1 with the current SETTINGS/MAPPINGS, no alias; the caller fills it from
   the database (writes name the new index directly);
3. ``finish``: refresh it, then ONE ``update_aliases`` call adds the alias to the new index and
   deletes the old one (``remove_index``). If the old index vanished meanwhile (another rebuild
   swapped first) the whole call fails and nothing changes; ``abort`` then deletes ours.
A generation outside the alias at the start means another rebuild is running, or one crashed
(its index stays, and so does the write block on the current one: drains keep failing and the
outbox keeps their rows): ``begin_rebuild`` refuses, unless told to discard such leftovers.

Why nothing is lost (the outbox, services/search/indexing.py): a drain deletes its outbox rows
only after the backend confirmed the write, and it loads the objects before it writes. A write
that reached the old index was confirmed before the block, so its objects were loaded before the
block, hence before the rebuild read the database: the new index has that version or a later one.
Every write after the block is refused, so its rows stay in the outbox (with a backoff); once the
alias points at the new index, ``indexing.rebuild_schema`` makes those rows due and drains them
into it. Deletes are refused the same way (a 404 "already gone" is the only ignored answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .elastic import ElasticsearchBackend

GENERATION_DIGITS = 6


def generation_name(alias: str, generation: int) -> str:
    return f"{alias}-{generation:0{GENERATION_DIGITS}d}"


@dataclass(frozen=True)
class Layout:
    """What exists for one alias name: concrete index name → the aliases it carries."""

    alias: str
    indices: dict[str, list[str]] = field(default_factory=dict)

    @property
    def old_layout(self) -> bool:
        """A concrete index carries the alias's name (created before aliases were used)."""
        return self.alias in self.indices

    @property
    def current(self) -> list[str]:
        """The concrete indices reads and writes reach today (one, unless something is wrong)."""
        if self.old_layout:
            return [self.alias]
        return sorted(name for name, aliases in self.indices.items() if self.alias in aliases)

    @property
    def generations(self) -> dict[int, str]:
        pattern = re.compile(re.escape(self.alias) + r"-(\d+)$")
        found = {}
        for name in self.indices:
            match = pattern.match(name)
            if match:
                found[int(match.group(1))] = name
        return found

    @property
    def leftovers(self) -> list[str]:
        """Generations outside the alias: a rebuild running now, or one that crashed."""
        current = set(self.current)
        return sorted(name for name in self.generations.values() if name not in current)

    def next_name(self) -> str:
        return generation_name(self.alias, max(self.generations, default=0) + 1)


def layout(backend: ElasticsearchBackend, alias: str) -> Layout:
    found = backend._call(
        backend.client.indices.get,
        index=f"{alias},{alias}-*",
        ignore_unavailable=True,
        allow_no_indices=True,
        expand_wildcards="all",
        features="aliases",
    )
    return Layout(alias=alias, indices={name: sorted(info.get("aliases") or {}) for name, info in found.items()})


def _already_exists(exc: Exception) -> bool:
    return getattr(exc.__cause__, "error", "") == "resource_already_exists_exception"


def create_concrete(backend: ElasticsearchBackend, name: str, *, alias: str | None = None) -> None:
    from .elastic import MAPPINGS, index_settings

    aliases = {alias: {"is_write_index": True}} if alias else None
    backend._call(
        backend.client.indices.create,
        index=name,
        settings=index_settings(backend.replicas),
        mappings=MAPPINGS,
        aliases=aliases,
    )


def create_alias_if_missing(backend: ElasticsearchBackend, alias: str) -> bool:
    """Generation 1 and the alias in one call; a concurrent creator wins, we use its alias.
    Returns True for the alias layout, False for an old-layout index of that name."""
    from . import BackendUnavailable

    for _attempt in range(3):
        found = layout(backend, alias)
        if found.old_layout or found.current:
            return not found.old_layout
        try:
            create_concrete(backend, found.next_name(), alias=alias)
            return True
        except BackendUnavailable as exc:
            if not _already_exists(exc):
                raise
            # Another worker created that generation with the alias (the next look finds it),
            # or a rebuild's unaliased one (the next look takes the next number).
    raise BackendUnavailable(f"could not create the index behind alias {alias}")


def set_write_block(backend: ElasticsearchBackend, names: list[str], *, blocked: bool) -> None:
    if names:
        backend._call(
            backend.client.indices.put_settings,
            index=",".join(names),
            settings={"index.blocks.write": True if blocked else None},
            ignore_unavailable=True,  # an index already deleted (by a swap) needs nothing
            allow_no_indices=True,
        )


def drop_all(backend: ElasticsearchBackend, alias: str) -> None:
    """The alias goes with its indices; every generation and an old-layout index are deleted."""
    names = list(layout(backend, alias).indices)
    if names:
        backend._call(backend.client.indices.delete, index=",".join(names), ignore_unavailable=True)


@dataclass
class Rebuild:
    """A new generation being filled while the alias still serves the old one (module docstring)."""

    backend: ElasticsearchBackend
    schema: str
    alias: str
    new: str
    old: list[str]
    done: bool = False

    def upsert(self, entries: list[Any]) -> None:
        self.backend.write_entries(self.new, entries)

    def object_ids(self, kind: str) -> set[int]:
        """Ids of ``kind`` still served by the old index (for providers without ``all_ids``)."""
        self.backend.refresh(schema=self.schema)  # allowed under the write block
        return self.backend.object_ids(schema=self.schema, kind=kind)

    def finish(self) -> None:
        """Refresh the new index, then point the alias at it and delete the old one, atomically."""
        self.backend._call(self.backend.client.indices.refresh, index=self.new)
        actions: list[dict[str, Any]] = [{"remove_index": {"index": name}} for name in self.old]
        actions.append({"add": {"index": self.new, "alias": self.alias, "is_write_index": True}})
        self.backend._call(self.backend.client.indices.update_aliases, actions=actions)
        self.backend._ready.pop(self.alias, None)
        self.done = True

    def abort(self) -> None:
        """Give up: delete the new index and let writes reach the old one again."""
        if self.done:
            return
        self.backend._call(self.backend.client.indices.delete, index=self.new, ignore_unavailable=True)
        set_write_block(self.backend, self.old, blocked=False)


class RebuildConflict(Exception):
    """A generation outside the alias exists: another rebuild is running, or one crashed."""


def begin_rebuild(backend: ElasticsearchBackend, schema: str, *, discard_leftovers: bool = False) -> Rebuild:
    alias = backend.index_name(schema)
    create_alias_if_missing(backend, alias)  # nothing yet: an empty generation 1 to swap away
    found = layout(backend, alias)
    if found.leftovers:
        if not discard_leftovers:
            raise RebuildConflict(
                f"{', '.join(found.leftovers)} exists outside alias {alias}: a rebuild is running or crashed"
            )
        backend._call(backend.client.indices.delete, index=",".join(found.leftovers), ignore_unavailable=True)
        found = layout(backend, alias)
    old = found.current
    # The block comes before anything reads the database (the proof in the module docstring).
    set_write_block(backend, old, blocked=True)
    new = found.next_name()
    try:
        create_concrete(backend, new)
    except Exception:
        set_write_block(backend, old, blocked=False)
        raise
    return Rebuild(backend=backend, schema=schema, alias=alias, new=new, old=old)
