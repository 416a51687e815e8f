"""Reads of the organization tree.

The tree page, its warnings and the API read the tree through ``org_tree``: one query, whatever
the size of the tree, with the counts every screen shows (one definition each, so two pages
never disagree about how many members a branch has).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES

from .models import OrgUnit, OrgUnitChange, Position, Term
from .scope import Scope, current_positions_q

if TYPE_CHECKING:
    from .warnings import StructuralWarning

# The positions that make up a committee (支委会 / 党委): every kind but the party-group leader.
COMMITTEE_POSITIONS = (
    Position.Kind.SECRETARY,
    Position.Kind.DEPUTY_SECRETARY,
    Position.Kind.ORGANIZATION,
    Position.Kind.PROPAGANDA,
    Position.Kind.DISCIPLINE,
)

# Where each kind of unit may hang (docs/domain.md#organization: committee → second-level committee / general
# branch → branch → party group). A branch may also hang directly under the university committee:
# directly affiliated branches (直属党支部, e.g. of administrative offices) are common.
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    OrgUnit.Kind.COMMITTEE: frozenset({None}),
    OrgUnit.Kind.SECOND_LEVEL: frozenset({OrgUnit.Kind.COMMITTEE}),
    OrgUnit.Kind.GENERAL_BRANCH: frozenset({OrgUnit.Kind.COMMITTEE}),
    OrgUnit.Kind.BRANCH: frozenset({OrgUnit.Kind.COMMITTEE, OrgUnit.Kind.SECOND_LEVEL, OrgUnit.Kind.GENERAL_BRANCH}),
    OrgUnit.Kind.PARTY_GROUP: frozenset({OrgUnit.Kind.BRANCH}),
}

# Units of the same rank can be merged into each other (a second-level committee and a general
# branch sit at the same level of the tree).
RANK: dict[str, int] = {
    OrgUnit.Kind.COMMITTEE: 0,
    OrgUnit.Kind.SECOND_LEVEL: 1,
    OrgUnit.Kind.GENERAL_BRANCH: 1,
    OrgUnit.Kind.BRANCH: 2,
    OrgUnit.Kind.PARTY_GROUP: 3,
}


def org_unit_list() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.select_related("parent").order_by("path")


def org_unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(path__startswith=unit.path)


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    """A correlated count as an annotation: one query for the whole tree, each count served by
    an index (members by branch and status, positions by unit)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass
class TreeUnit:
    """One unit of the tree with its counts. ``member_count`` is the unit's own roll (members
    belong to branches); ``subtree_member_count`` adds every unit below it."""

    unit: OrgUnit
    member_count: int
    full_member_count: int
    committee_positions: int
    term_ends_on: date | None
    subtree_member_count: int = 0
    warnings: list[StructuralWarning] = field(default_factory=list)  # filled by warnings.attach_warnings
    counted: bool = True  # may the reader see its counts (overview.org_tree_in_scope)

    @property
    def pk(self) -> int:
        return self.unit.pk


def org_tree(
    *, root: OrgUnit | None = None, include_closed: bool = False, on: date | None = None, within: Q | None = None
) -> list[TreeUnit]:
    """The tree (or ``root``'s subtree, or the units matching ``within``) in path order with its
    counts, in one query."""
    today = on or timezone.localdate()
    on_roll = Member.objects.filter(branch=OuterRef("pk")).exclude(status__in=OFF_ROLL_STATUSES)
    full = Member.objects.filter(branch=OuterRef("pk"), status=Member.Status.NORMAL)
    committee = Position.objects.filter(
        current_positions_q(on=today), unit=OuterRef("pk"), kind__in=COMMITTEE_POSITIONS
    )
    latest_term = Term.objects.filter(unit=OuterRef("pk")).order_by("-started_on", "-id").values("ends_on")[:1]
    units = OrgUnit.objects.annotate(
        member_count=_count(on_roll, "branch"),
        full_member_count=_count(full, "branch"),
        committee_positions=_count(committee, "unit"),
        term_ends_on=Subquery(latest_term),
    ).order_by("path")
    if root is not None:
        units = units.filter(path__startswith=root.path)
    if within is not None:
        units = units.filter(within)
    if not include_closed:
        units = units.filter(closed_on__isnull=True)
    tree = [
        TreeUnit(
            unit=unit,
            member_count=unit.member_count,  # type: ignore[attr-defined]
            full_member_count=unit.full_member_count,  # type: ignore[attr-defined]
            committee_positions=unit.committee_positions,  # type: ignore[attr-defined]
            term_ends_on=unit.term_ends_on,  # type: ignore[attr-defined]
        )
        for unit in units
    ]
    # Subtree totals from the path: each unit's roll counts for itself and every ancestor shown.
    by_id = {entry.pk: entry for entry in tree}
    for entry in tree:
        for ancestor_id in entry.unit.path.rstrip(".").split("."):
            ancestor = by_id.get(int(ancestor_id))
            if ancestor is not None:
                ancestor.subtree_member_count += entry.member_count
    return tree


def unit_ancestors(*, unit: OrgUnit) -> list[OrgUnit]:
    """The units above ``unit``, root first (one query, from the path)."""
    ids = [int(part) for part in unit.path.rstrip(".").split(".")[:-1]]
    found = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def unit_children(*, unit: OrgUnit, include_closed: bool = False) -> QuerySet[OrgUnit]:
    children = OrgUnit.objects.filter(parent=unit)
    if not include_closed:
        children = children.filter(closed_on__isnull=True)
    return children.order_by("sort_order", "name", "pk")


def unit_positions(*, unit: OrgUnit, on: date | None = None) -> QuerySet[Position]:
    """Positions held in ``unit`` now (or on ``on``), with the member's name."""
    today = on or timezone.localdate()
    return (
        Position.objects.filter(current_positions_q(on=today), unit=unit)
        .select_related("member")
        .order_by("kind", "started_on", "pk")
    )


def unit_terms(*, unit: OrgUnit) -> QuerySet[Term]:
    return Term.objects.filter(unit=unit).order_by("-started_on", "-id")


def unit_history(*, unit: OrgUnit, limit: int = 20) -> list[OrgUnitChange]:
    return list(OrgUnitChange.objects.filter(unit=unit).order_by("-changed_at", "-id")[:limit])


def unit_eligible_members(*, unit: OrgUnit) -> QuerySet[Member]:
    """Members who may hold a position in ``unit``: on the roll of a branch in its subtree, or,
    for a party group, of the group's branch (members belong to branches, not groups)."""
    members = Member.objects.exclude(status__in=OFF_ROLL_STATUSES)
    if unit.kind == OrgUnit.Kind.PARTY_GROUP:
        members = members.filter(branch_id=unit.parent_id)
    else:
        members = members.filter(branch__path__startswith=unit.path)
    return members.order_by("name", "pk")


def may_change_unit(*, scope: Scope, unit: OrgUnit) -> bool:
    """Restructuring a unit (rename, move, merge, close, its term, positions and grants) is for
    those who manage the subtree of its parent: a unit's own secretary does not reorganize the
    unit they hold office in. A root unit (the university committee) is for the institution's
    administrators only."""
    if unit.parent_id is None:
        return scope.everything
    parent_path = unit.path.rsplit(".", 2)[0] + "."
    return scope.everything or any(parent_path.startswith(path) for path in scope.managed_paths)


def may_add_child(*, scope: Scope, parent: OrgUnit | None) -> bool:
    """Adding a unit under ``parent`` is for those who manage ``parent``'s subtree."""
    if parent is None:
        return scope.everything
    return scope.covers_unit(parent, manage=True)


def valid_parent_kinds(kind: str) -> frozenset[str | None]:
    return ALLOWED_PARENTS.get(kind, frozenset())


def child_kinds(parent_kind: str | None) -> list[str]:
    """Kinds of unit that may be added under a unit of ``parent_kind``."""
    return [kind for kind, parents in ALLOWED_PARENTS.items() if parent_kind in parents]
