"""Who may see and manage what: roles are held in an org unit and cover its subtree.

- the institution's superuser (its first administrator) and an ``institution_admin`` grant on
  the committee: everything;
- ``unit_admin`` grants (院系党委 / 党总支 offices): the granted unit's subtree;
- a grant counts on the days it is in force (``grants_in_force_q``: started, not ended, not
  revoked); a scope is remembered for one request only (``scopes_cached``), so a grant, an end
  date passing or a revocation takes effect on the caller's next request;
- party positions held now: secretary, deputy secretary and the committee members
  (organization, propaganda, discipline) see their unit's subtree; secretary, deputy and the
  organization commissioner also manage it; a party-group leader sees the group;
- every member sees their own record.

Every list, detail, export and search narrows through ``Scope`` (one place), which becomes a
single indexed prefix filter on ``OrgUnit.path``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise

from .models import AdminGrant, OrgUnit, Position

SEEING_POSITIONS = {
    Position.Kind.SECRETARY,
    Position.Kind.DEPUTY_SECRETARY,
    Position.Kind.ORGANIZATION,
    Position.Kind.PROPAGANDA,
    Position.Kind.DISCIPLINE,
    Position.Kind.GROUP_LEADER,
}
MANAGING_POSITIONS = {Position.Kind.SECRETARY, Position.Kind.DEPUTY_SECRETARY, Position.Kind.ORGANIZATION}


@dataclass(frozen=True)
class Scope:
    """What one user may see and manage. ``everything`` or a set of subtree path prefixes."""

    everything: bool = False
    seen_paths: frozenset[str] = frozenset()
    managed_paths: frozenset[str] = frozenset()
    own_member_id: int | None = None

    @property
    def is_manager(self) -> bool:
        return self.everything or bool(self.managed_paths)

    def units_q(self, prefix: str = "", *, manage: bool = False) -> Q:
        """A filter on org units (``prefix`` is the lookup path to the unit, e.g. "branch__")."""
        if self.everything:
            return Q()
        paths = self.managed_paths if manage else self.seen_paths
        if not paths:
            return Q(pk__in=[])
        condition = Q()
        for path in _outermost(paths):
            condition |= Q(**{f"{prefix}path__startswith": path})
        return condition

    def members_q(self, *, manage: bool = False) -> Q:
        """A filter on members: their branch is in scope, or (to see) it is the user's own record."""
        condition = self.units_q("branch__", manage=manage)
        if self.everything:
            return condition
        if not manage and self.own_member_id is not None:
            condition |= Q(pk=self.own_member_id)
        return condition

    def covers_unit(self, unit: OrgUnit, *, manage: bool = False) -> bool:
        if self.everything:
            return True
        paths = self.managed_paths if manage else self.seen_paths
        return any(unit.path.startswith(path) for path in paths)


def _outermost(paths: frozenset[str]) -> list[str]:
    """Drop paths inside another path of the set: the filter stays short."""
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


# Scopes already computed during this request (ScopeCacheMiddleware): a page asks in its
# navigation, its view and its services. None outside a request (tasks, commands, tests calling
# services directly): every call computes afresh.
_request_scopes: ContextVar[dict[tuple[int, date], Scope] | None] = ContextVar("request_scopes", default=None)


@contextmanager
def scopes_cached() -> Iterator[None]:
    """Remember each user's scope until the block ends (one request)."""
    token = _request_scopes.set({})
    try:
        yield
    finally:
        _request_scopes.reset(token)


def forget_scopes() -> None:
    """Positions, grants, member links or unit paths changed: the remembered scopes may be wrong.
    Called by the signals below and by the organization services' bulk updates."""
    cached = _request_scopes.get()
    if cached:
        cached.clear()


def scope_for(user: object, *, on: date | None = None) -> Scope:
    """The scope of ``user`` today (or ``on``). Two queries (grants, then positions), once per
    request and user (``scopes_cached``)."""
    if not getattr(user, "is_authenticated", False):
        return Scope()
    if getattr(user, "is_superuser", False):
        return Scope(everything=True)
    today = on or timezone.localdate()
    cached = _request_scopes.get()
    key = (int(getattr(user, "pk", 0) or 0), today)
    if cached is not None and key in cached:
        return cached[key]
    scope = _compute_scope(user, today)
    if cached is not None:
        cached[key] = scope
    return scope


def _compute_scope(user: object, today: date) -> Scope:
    seen: set[str] = set()
    managed: set[str] = set()
    grants = AdminGrant.objects.filter(grants_in_force_q(on=today), user_id=getattr(user, "pk", 0))
    for role, path in grants.values_list("role", "unit__path"):
        if role == AdminGrant.Role.INSTITUTION_ADMIN and path.count(".") == 1:
            return Scope(everything=True)
        seen.add(path)
        managed.add(path)
    member = getattr(user, "member", None)  # reverse one-to-one: None when the account has no record
    member_id = member.pk if member is not None else None
    if member_id is not None:
        positions = Position.objects.filter(current_positions_q(on=today), member_id=member_id)
        for kind, path in positions.values_list("kind", "unit__path"):
            if kind in SEEING_POSITIONS:
                seen.add(path)
            if kind in MANAGING_POSITIONS:
                managed.add(path)
    return Scope(seen_paths=frozenset(seen), managed_paths=frozenset(managed), own_member_id=member_id)


def grants_in_force_q(*, on: date, prefix: str = "") -> Q:
    """A filter on admin grants (``prefix`` is the lookup path to the grant): not revoked, and
    ``on`` between their start and their end (both included; no end: open)."""
    return Q(**{f"{prefix}revoked_at__isnull": True, f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def current_positions_q(*, on: date, prefix: str = "") -> Q:
    """A filter on positions (``prefix`` is the lookup path to the position): held on ``on``,
    started by then and not ended before."""
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": on})
    )


def ancestor_paths(path: str) -> list[str]:
    """A unit's path and those of the units above it: "1.4.17." -> ["1.", "1.4.", "1.4.17."]."""
    parts = path.split(".")[:-1]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


@dataclass(frozen=True)
class UnitManagers:
    """Who manages every unit of the institution, by path and by id (``managers_to_notify``)."""

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


def managers_to_notify_by_unit_path(*, on: date) -> dict[str, tuple[int, ...]]:
    """For every unit's path, the ids (sorted) of the users told about it: those whose ``Scope``
    on ``on`` manages it — a ``MANAGING_POSITIONS`` position held in the unit or above, or an
    admin grant on it or above — with two differences from ``scope_for``, kept on purpose:

    - the institution's superuser is left out (its scope is everything: it would be told about
      every unit); it is told only where it holds a position or a grant itself;
    - a grant counts only while its account is active (``scope_for`` asks no such question: an
      inactive account cannot sign in). A position counts whatever the account's state.

    Set-based for the whole institution: three queries (positions, grants, units)."""
    holders: dict[str, set[int]] = defaultdict(set)
    positions = Position.objects.filter(
        current_positions_q(on=on), kind__in=MANAGING_POSITIONS, member__user__isnull=False
    ).values_list("unit__path", "member__user_id")
    for path, user_id in positions:
        holders[path].add(user_id)
    grants = AdminGrant.objects.filter(grants_in_force_q(on=on), user__is_active=True).values_list(
        "unit__path", "user_id"
    )
    for path, user_id in grants:
        holders[path].add(user_id)
    result: dict[str, tuple[int, ...]] = {}
    for path in OrgUnit.objects.values_list("path", flat=True):
        users: set[int] = set()
        for ancestor in ancestor_paths(path):
            users |= holders.get(ancestor, set())
        result[path] = tuple(sorted(users))
    return result


def managers_to_notify(*, on: date) -> UnitManagers:
    """``managers_to_notify_by_unit_path`` keyed by unit id as well (four queries)."""
    return UnitManagers(
        by_path=managers_to_notify_by_unit_path(on=on),
        path_of=dict(OrgUnit.objects.values_list("pk", "path")),
    )


def can_manage(*, acting_user: Any, unit: OrgUnit, scope: Scope | None = None) -> bool:
    """Whether ``acting_user`` manages ``unit``'s subtree; None is the system itself (a task, a
    migration), which may. The question every service asks before a change (``require_manage``),
    and the one views ask before showing a form or a button."""
    return acting_user is None or (scope or scope_for(acting_user)).covers_unit(unit, manage=True)


def require_manage(*, acting_user: Any, unit: OrgUnit, message: str | Promise, scope: Scope | None = None) -> None:
    """Refuse (PermissionDenied) unless ``acting_user`` manages ``unit``'s subtree; None is the
    system itself (a task, a migration), which may. ``message`` names what was refused, with a
    ``%(unit)s`` placeholder, in the user's language: “您无权管理“%(unit)s”的党员。”."""
    if not can_manage(acting_user=acting_user, unit=unit, scope=scope):
        raise PermissionDenied(message % {"unit": unit.name})


class ScopeCacheMiddleware:
    """Each request computes a user's scope once (``scopes_cached``)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with scopes_cached():
            return self.get_response(request)
