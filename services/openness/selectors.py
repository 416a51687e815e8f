"""Who reads which board item (docs/openness.md).

- The board (党务公开): the items on the board today (published by today, not ended, not
  withdrawn) of the whole institution, of the units the reader belongs to (their branch, their
  party group and every unit above them), and of the units their scope sees; newest first.
- The archive: every item of the units the reader manages (and the institution's, for those who
  manage the whole tree), ended and withdrawn ones too.
An item outside both is a 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from services.members.selectors import member_of
from services.organization.models import OrgUnit
from services.organization.scope import Scope, ancestor_paths, scope_for

from .models import BoardItem


def on_board_q(today: date) -> Q:
    return Q(withdrawn_at__isnull=True, published_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def roots() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(parent__isnull=True)


def manages_institution(*, acting_user: Any, scope: Scope | None = None) -> bool:
    """Whether ``acting_user`` may publish to the whole institution: they manage its root (the
    committee's tree). None is the system itself."""
    if acting_user is None:
        return True
    scope = scope or scope_for(acting_user)
    if scope.everything:
        return True
    units = list(roots())
    return bool(units) and all(scope.covers_unit(unit, manage=True) for unit in units)


def _member_units_q(user: Any) -> Q:
    member = member_of(user)
    if member is None:
        return Q(pk__in=[])
    paths = ancestor_paths(member.branch.path)
    group = getattr(member, "party_group", None)
    if group is not None:
        paths.append(group.path)
    return Q(unit__path__in=paths)


def readable_q(acting_user: Any) -> Q:
    """The items the user reads by scope (not yet narrowed to the board's dates)."""
    scope = scope_for(acting_user)
    if scope.everything:
        return Q()
    condition = Q(unit__isnull=True) | _member_units_q(acting_user)
    if scope.seen_paths:
        condition |= scope.units_q("unit__")
    return condition


def board_items(*, acting_user: Any, kind: str = "", today: date | None = None) -> QuerySet[BoardItem]:
    """The board: items on the board today that the user reads, newest first (``kind``: one kind)."""
    rows = BoardItem.objects.filter(on_board_q(today or timezone.localdate())).filter(readable_q(acting_user))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("unit").order_by("-published_on", "-pk")


def archive_q(acting_user: Any) -> Q:
    scope = scope_for(acting_user)
    if scope.everything:
        return Q()
    if not scope.managed_paths:
        return Q(pk__in=[])
    condition = scope.units_q("unit__", manage=True)
    if manages_institution(acting_user=acting_user, scope=scope):
        condition |= Q(unit__isnull=True)
    return condition


def archive_items(*, acting_user: Any, kind: str = "") -> QuerySet[BoardItem]:
    """Every item of the units the user manages, whatever its dates or state, newest first."""
    rows = BoardItem.objects.filter(archive_q(acting_user))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("unit").order_by("-published_on", "-pk")


def item_get(*, acting_user: Any, pk: int) -> BoardItem:
    """One item the user reads on the board or keeps in the archive; BoardItem.DoesNotExist otherwise."""
    today = timezone.localdate()
    condition = (on_board_q(today) & readable_q(acting_user)) | archive_q(acting_user)
    return BoardItem.objects.select_related("unit").filter(condition).get(pk=pk)


def can_withdraw(*, acting_user: Any, item: BoardItem) -> bool:
    if item.unit is None:
        return manages_institution(acting_user=acting_user)
    return acting_user is None or scope_for(acting_user).covers_unit(item.unit, manage=True)


def publishable_units(*, acting_user: Any) -> QuerySet[OrgUnit]:
    """The open units the user manages (where they may publish), in the tree's order."""
    return OrgUnit.objects.filter(scope_for(acting_user).units_q(manage=True), closed_on__isnull=True).order_by("path")


def item_for_source(*, kind: str, source_key: str) -> BoardItem | None:
    """The item a source page published (not withdrawn), for the page to say so and link to it."""
    return BoardItem.objects.filter(kind=kind, source_key=source_key, withdrawn_at__isnull=True).first()
