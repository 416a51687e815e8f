"""Who receives a reminder about a unit or a member: the people who manage it, as
services/organization/scope.py answers it (``managers_to_notify``: the managing positions and
admin grants of ``Scope``, without the institution's superuser, which would receive every reminder
of the institution). Computed once per scan and shared by every source (``scan_cache``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from services.organization.scope import UnitManagers, managers_to_notify

# Inside a scan (``scan_cache``) every source asks for the same answer: compute it once.
_scan_cache: ContextVar[dict[date, UnitManagers] | None] = ContextVar("reminders_managers", default=None)


@contextmanager
def scan_cache() -> Iterator[None]:
    """Share ``managers(on=...)`` between the sources of one scan (the tree does not change
    meanwhile in a way a reminder would notice before the next morning)."""
    token = _scan_cache.set({})
    try:
        yield
    finally:
        _scan_cache.reset(token)


def managers(*, on: date) -> UnitManagers:
    """The managers of every unit, by path and by id (four queries, once per scan)."""
    cache = _scan_cache.get()
    if cache is not None and on in cache:
        return cache[on]
    found = managers_to_notify(on=on)
    if cache is not None:
        cache[on] = found
    return found


def recipients(ids: Iterable[int | None]) -> tuple[int, ...]:
    """Distinct, sorted, without None: the form ``Due.recipient_ids`` takes."""
    return tuple(sorted({i for i in ids if i is not None}))
