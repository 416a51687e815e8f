"""Who receives a reminder about a unit or a member: the people who manage it, as
services/organization/scope.py answers it (``managers_to_notify``: the managing positions and
admin grants of ``Scope``, without the institution's superuser, which would receive every reminder
of the institution). Computed once per scan and shared by every source (``scan_cache``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any, TypeVar

from services.organization.scope import UnitManagers, managers_to_notify

T = TypeVar("T")

# Inside a scan (``scan_cache``) several sources ask for the same answer: compute it once.
_scan_cache: ContextVar[dict[Hashable, Any] | None] = ContextVar("reminders_scan", default=None)


@contextmanager
def scan_cache() -> Iterator[None]:
    """Share answers between the sources of one scan (``scan_memo``: the managers of every unit,
    a capability's own costly reading); nothing changes meanwhile in a way a reminder would notice
    before the next morning."""
    token = _scan_cache.set({})
    try:
        yield
    finally:
        _scan_cache.reset(token)


def scan_memo(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per scan for ``key`` (a tuple naming the owner, what and the day);
    outside a scan, every call computes."""
    cache = _scan_cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]  # type: ignore[no-any-return]


def managers(*, on: date) -> UnitManagers:
    """The managers of every unit, by path and by id (four queries, once per scan)."""
    return scan_memo(("reminders.managers", on), lambda: managers_to_notify(on=on))


def recipients(ids: Iterable[int | None]) -> tuple[int, ...]:
    """Distinct, sorted, without None: the form ``Due.recipient_ids`` takes."""
    return tuple(sorted({i for i in ids if i is not None}))
