"""What of the tree each reader is shown: their own part of it, never the whole institution's
figures unless they oversee the whole institution.

- the units their ``Scope`` sees, with counts; warnings only where they manage (a warning is
  something to act on);
- their own branch (a member's record), with its head count;
- the units above those, for orientation: names only, since a college's or the university's
  total counts other branches too.

An institution administrator sees everything. Who sees and manages what stays in ``scope.py``;
this module only applies it to the tree. The home page, the tree page, a unit's page and the
warnings API read it; each costs the tree's one query, one for the member's branch, and the
two of the rules behind the warnings, whatever the size of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from services.members.models import Member

from .models import OrgUnit
from .scope import Scope, scope_for
from .selectors import TreeUnit, org_tree
from .warnings import attach_warnings


@dataclass(frozen=True)
class TreeScope:
    """The parts of the tree one reader is shown (paths are ``OrgUnit.path`` prefixes)."""

    scope: Scope
    own_branch_path: str | None = None

    @property
    def everything(self) -> bool:
        return self.scope.everything

    @property
    def roots(self) -> frozenset[str]:
        """Subtrees shown in full: those the scope sees, and the reader's own branch."""
        own = {self.own_branch_path} if self.own_branch_path else set()
        return frozenset(self.scope.seen_paths | own)

    @property
    def outermost_roots(self) -> frozenset[str]:
        """The roots not inside another root: what the reader's figures cover."""
        return frozenset(root for root in self.roots if not any(root.startswith(o) and root != o for o in self.roots))

    def shows(self, unit: OrgUnit) -> bool:
        return self.everything or any(unit.path.startswith(root) or root.startswith(unit.path) for root in self.roots)

    def counts(self, unit: OrgUnit) -> bool:
        return self.scope.covers_unit(unit) or unit.path == self.own_branch_path

    def warns(self, unit: OrgUnit) -> bool:
        return self.scope.covers_unit(unit, manage=True)

    def units_q(self) -> Q:
        """The shown units as one filter: the roots' subtrees and the units above them."""
        if self.everything:
            return Q()
        if not self.roots:
            return Q(pk__in=[])
        above = {int(part) for root in self.roots for part in root.rstrip(".").split(".")[:-1]}
        condition = Q(pk__in=sorted(above))
        for root in self.roots:
            condition |= Q(path__startswith=root)
        return condition


def tree_scope_for(user: object) -> TreeScope:
    scope = scope_for(user)
    if scope.everything or scope.own_member_id is None:
        return TreeScope(scope)
    branch_path = Member.objects.filter(pk=scope.own_member_id).values_list("branch__path", flat=True).first()
    return TreeScope(scope, own_branch_path=branch_path)


def org_tree_in_scope(*, shown: TreeScope, on: date | None = None) -> list[TreeUnit]:
    """The tree as its reader is shown it (``tree_scope_for(user)``), in path order: counts where
    ``TreeUnit.counted``, warnings only on units the reader manages."""
    return shape_tree(org_tree(within=shown.units_q(), on=on), shown, on=on)


def shape_tree(tree: list[TreeUnit], shown: TreeScope, *, on: date | None = None) -> list[TreeUnit]:
    """Keep the units ``shown`` shows, mark whose counts it may read, attach the warnings it may
    act on (an already loaded tree: a unit's page loads its own subtree)."""
    kept = [entry for entry in tree if shown.shows(entry.unit)]
    attach_warnings(kept, today=on or timezone.localdate())
    for entry in kept:
        entry.counted = shown.counts(entry.unit)
        if not shown.warns(entry.unit):
            entry.warnings = []
    return kept
