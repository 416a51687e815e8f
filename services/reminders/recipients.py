"""Who receives a reminder about a unit or a member: the people who manage it.

The managers of a unit are the users whose member record holds, on the scan date, a managing
position (secretary, deputy secretary, organization commissioner — ``MANAGING_POSITIONS`` of
services/organization/scope.py, the same definition the permissions use) in that unit or an
ancestor, plus the users with an active ``unit_admin`` / ``institution_admin`` grant on it or an
ancestor. The institution's superuser (its first administrator) is not a recipient: it sees
everything, and would receive every reminder of the institution.

Whole-institution and set-based: three queries (positions, grants, units), whatever the number
of members, so sources covering 20,000 members call it once per scan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from services.organization.models import AdminGrant, OrgUnit, Position
from services.organization.scope import MANAGING_POSITIONS


def _ancestor_paths(path: str) -> list[str]:
    """ "1.4.17." -> ["1.", "1.4.", "1.4.17."]."""
    parts = path.split(".")[:-1]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def managers_by_unit_path(*, on: date) -> dict[str, tuple[int, ...]]:
    """For every org unit's path, the ids of the users who manage it on ``on`` (sorted)."""
    holders: dict[str, set[int]] = defaultdict(set)
    positions = (
        Position.objects.filter(kind__in=MANAGING_POSITIONS, started_on__lte=on, member__user__isnull=False)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .values_list("unit__path", "member__user_id")
    )
    for path, user_id in positions:
        holders[path].add(user_id)
    grants = AdminGrant.objects.filter(revoked_at__isnull=True, user__is_active=True).values_list(
        "unit__path", "user_id"
    )
    for path, user_id in grants:
        holders[path].add(user_id)
    result: dict[str, tuple[int, ...]] = {}
    for path in OrgUnit.objects.values_list("path", flat=True):
        users: set[int] = set()
        for ancestor in _ancestor_paths(path):
            users |= holders.get(ancestor, set())
        result[path] = tuple(sorted(users))
    return result


@dataclass(frozen=True)
class Managers:
    """``managers_by_unit_path`` keyed by unit id as well, for sources that hold a branch id."""

    by_path: dict[str, tuple[int, ...]]
    path_of: dict[int, str]

    def of_unit(self, unit_id: int) -> tuple[int, ...]:
        return self.by_path.get(self.path_of.get(unit_id, ""), ())

    def with_member(self, unit_id: int, member_user_id: int | None) -> tuple[int, ...]:
        """The managers of ``unit_id`` plus the member's own account, when they have one."""
        users = self.of_unit(unit_id)
        if member_user_id is None or member_user_id in users:
            return users
        return tuple(sorted((*users, member_user_id)))


# Inside a scan (``scan_cache``) every source asks for the same answer: compute it once.
_scan_cache: ContextVar[dict[date, Managers] | None] = ContextVar("reminders_managers", default=None)


@contextmanager
def scan_cache() -> Iterator[None]:
    """Share ``managers(on=...)`` between the sources of one scan (the tree does not change
    meanwhile in a way a reminder would notice before the next morning)."""
    token = _scan_cache.set({})
    try:
        yield
    finally:
        _scan_cache.reset(token)


def managers(*, on: date) -> Managers:
    """The managers of every unit, by path and by id (four queries, once per scan)."""
    cache = _scan_cache.get()
    if cache is not None and on in cache:
        return cache[on]
    found = Managers(
        by_path=managers_by_unit_path(on=on),
        path_of=dict(OrgUnit.objects.values_list("pk", "path")),
    )
    if cache is not None:
        cache[on] = found
    return found


def recipients(ids: Iterable[int | None]) -> tuple[int, ...]:
    """Distinct, sorted, without None: the form ``Due.recipient_ids`` takes."""
    return tuple(sorted({i for i in ids if i is not None}))
