"""Writes to the organization tree: one audited transaction each, with a history row
(``OrgUnitChange``) on every unit it touches and an ``org.changed`` audit row.

Who may write (``selectors.may_change_unit``): a unit is restructured by those who manage its
parent's subtree, a root unit by the institution's administrators; a new unit is added by those
who manage the unit it goes under. ``acting_user=None`` is the system itself (provisioning, the
demo seed, imports) and is not scope-checked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from services.accounts.models import User
from services.audit.services import audit_record
from services.members.models import Member, MemberChange
from services.members.status import OFF_ROLL_STATUSES
from services.organization import audit_events
from services.search.outbox import index_subtree_later

from . import selectors
from .models import AdminGrant, OrgUnit, OrgUnitChange, Position
from .scope import forget_scopes, scope_for

# ---------------------------------------------------------------------------------------------
# helpers


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_change(*, acting_user: User | None, unit: OrgUnit) -> None:
    if acting_user is None:
        return
    _require(
        selectors.may_change_unit(scope=scope_for(acting_user), unit=unit),
        _("您无权调整“%(unit)s”。") % {"unit": unit.name},
    )


def _require_add_child(*, acting_user: User | None, parent: OrgUnit | None) -> None:
    if acting_user is None:
        return
    _require(
        selectors.may_add_child(scope=scope_for(acting_user), parent=parent),
        _("您无权在“%(unit)s”下设立组织。") % {"unit": parent.name if parent else _("最上级")},
    )


def _lock(*units: OrgUnit) -> list[OrgUnit]:
    """Lock the rows in one order (by id), so that two concurrent restructurings wait for each
    other instead of deadlocking, and return them re-read: a path read before the lock may
    already have been changed by a move of an ancestor."""
    locked = {u.pk: u for u in OrgUnit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).order_by("pk")}
    return [locked[u.pk] for u in units]


def _check_open(unit: OrgUnit) -> None:
    if unit.closed_on is not None:
        raise ValidationError(_("“%(unit)s”已撤销。") % {"unit": unit.name})


def _check_parent_kind(*, kind: str, parent: OrgUnit | None) -> None:
    parent_kind = parent.kind if parent is not None else None
    if parent_kind not in selectors.valid_parent_kinds(kind):
        raise ValidationError(
            {
                "parent": [
                    _("%(kind)s不能设在%(parent)s之下。")
                    % {
                        "kind": OrgUnit.Kind(kind).label,
                        "parent": OrgUnit.Kind(parent_kind).label if parent_kind else _("最上级"),
                    }
                ]
            }
        )


def _snapshot(unit: OrgUnit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "path": unit.path,
        "closed_on": unit.closed_on.isoformat() if unit.closed_on else None,
    }


def _record(
    *,
    unit: OrgUnit,
    kind: str,
    acting_user: User | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    target: Any = None,
) -> None:
    """The unit's history row and the audit row, in the caller's transaction."""
    OrgUnitChange.objects.create(
        unit=unit, kind=kind, before=before, after=after, actor_username=getattr(acting_user, "username", "")
    )
    audit_record(
        event=audit_events.ORG_UNIT_CHANGED,
        actor=acting_user,
        target=target if target is not None else unit,
        before=before,
        after=after,
        detail={"change": kind, "unit": unit.pk},
    )


def _end_office(*, unit: OrgUnit, on: date) -> dict[str, list[int]]:
    """A closed unit holds no offices: end its current positions and revoke its grants (a
    grant on a closed unit's path would cover nothing and only confuse the next reader)."""
    positions = list(
        Position.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), unit=unit).values_list("pk", flat=True)
    )
    Position.objects.filter(pk__in=positions).update(ended_on=on)
    grants = list(AdminGrant.objects.filter(unit=unit, revoked_at__isnull=True).values_list("pk", flat=True))
    AdminGrant.objects.filter(pk__in=grants).update(revoked_at=timezone.now())
    forget_scopes()  # bulk updates send no signals
    return {"positions_ended": positions, "grants_revoked": grants}


def _repath(*, old_prefix: str, new_prefix: str, include_root: bool = True) -> int:
    """Rewrite the path of every unit under ``old_prefix`` in ONE UPDATE: the new prefix, then
    the rest of the old path. (A textual replace() would also rewrite a later occurrence of the
    prefix inside the path: "1.4." occurs twice in "1.4.11.4.".)"""
    subtree = OrgUnit.objects.filter(path__startswith=old_prefix)
    if not include_root:
        subtree = subtree.exclude(path=old_prefix)
    moved = subtree.update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1), output_field=CharField())
    )
    forget_scopes()  # scopes hold paths
    return moved


# ---------------------------------------------------------------------------------------------
# units


def org_unit_create(
    *,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    branch_kind: str = "",
    sort_order: int = 0,
    acting_user: User | None = None,
) -> OrgUnit:
    """Add a unit under ``parent``. A unit's kind must fit under its parent's (docs/domain.md#organization); with
    no parent, a person may only create the university committee. (The system path may create
    a detached unit: tests and imports build branches without the committee above them.)"""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写名称。")]})
    if kind not in OrgUnit.Kind.values:
        raise ValidationError({"kind": [_("未知的组织类型。")]})
    if branch_kind and kind != OrgUnit.Kind.BRANCH:
        raise ValidationError({"branch_kind": [_("只有党支部才有支部类型。")]})
    if parent is not None or acting_user is not None:
        _check_parent_kind(kind=kind, parent=parent)
    _require_add_child(acting_user=acting_user, parent=parent)
    with transaction.atomic():
        if parent is not None:
            (parent,) = _lock(parent)
            _check_open(parent)
        elif (
            acting_user is not None
            and OrgUnit.objects.filter(parent=None, kind=OrgUnit.Kind.COMMITTEE, closed_on__isnull=True).exists()
        ):
            # One university committee per institution: its grant is what "everything" means.
            raise ValidationError({"parent": [_("已有校党委，请在其下设立组织。")]})
        unit = OrgUnit.objects.create(
            name=name, kind=kind, parent=parent, branch_kind=branch_kind, sort_order=sort_order, path=""
        )
        unit.path = f"{parent.path if parent else ''}{unit.pk}."
        unit.save(update_fields=["path"])
        _record(unit=unit, kind="created", acting_user=acting_user, after=_snapshot(unit))
    return unit


def org_unit_rename(*, unit: OrgUnit, name: str, acting_user: User | None) -> OrgUnit:
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写名称。")]})
    with transaction.atomic():
        (unit,) = _lock(unit)
        _require_change(acting_user=acting_user, unit=unit)
        _check_open(unit)
        if unit.name == name:
            return unit
        before = unit.name
        unit.name = name
        unit.save(update_fields=["name"])
        _record(
            unit=unit,
            kind="renamed",
            acting_user=acting_user,
            before={"name": before},
            after={"name": name},
        )
    return unit


def org_unit_move(*, unit: OrgUnit, new_parent: OrgUnit, acting_user: User | None) -> OrgUnit:
    """Re-parent ``unit`` with its whole subtree. The paths below it are rewritten in one
    UPDATE; a unit cannot go under itself or its own descendants, and its kind must fit under
    the new parent's. The mover must be allowed to change the unit (its current parent's
    subtree) and to add under the new parent."""
    with transaction.atomic():
        unit, new_parent = _lock(unit, new_parent)
        _require_change(acting_user=acting_user, unit=unit)
        _require_add_child(acting_user=acting_user, parent=new_parent)
        _check_open(unit)
        _check_open(new_parent)
        if new_parent.path.startswith(unit.path):
            raise ValidationError({"parent": [_("不能把组织移到它自己或它的下级组织之下。")]})
        _check_parent_kind(kind=unit.kind, parent=new_parent)
        if unit.parent_id == new_parent.pk:
            return unit
        before = _snapshot(unit)
        old_prefix, new_prefix = unit.path, f"{new_parent.path}{unit.pk}."
        moved = _repath(old_prefix=old_prefix, new_prefix=new_prefix)
        OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
        index_subtree_later(path_prefix=new_prefix)  # search entries carry the old paths
        unit.refresh_from_db()
        after = {**_snapshot(unit), "units_moved": moved}
        _record(unit=unit, kind="moved", acting_user=acting_user, before=before, after=after)
    return unit


def _check_mergeable(*, source: OrgUnit, target: OrgUnit) -> None:
    """Two different open units of the same level (not committees), neither above the other."""
    if source.pk == target.pk:
        raise ValidationError({"target": [_("不能与自身合并。")]})
    _check_open(source)
    _check_open(target)
    if selectors.RANK[source.kind] != selectors.RANK[target.kind] or source.kind == OrgUnit.Kind.COMMITTEE:
        raise ValidationError({"target": [_("只能与同一层级的组织合并。")]})
    if target.path.startswith(source.path) or source.path.startswith(target.path):
        raise ValidationError({"target": [_("不能与上级或下级组织合并。")]})


def _move_members(*, source: OrgUnit, target: OrgUnit, acting_user: User | None) -> list[int]:
    """Move the source's members to the target, with a history row on each member's record (one
    bulk statement each). Returns the ids moved."""
    member_ids = list(Member.objects.filter(branch=source).values_list("pk", flat=True))
    Member.objects.filter(pk__in=member_ids).update(branch=target, updated_at=timezone.now())
    MemberChange.objects.bulk_create(
        MemberChange(
            member_id=member_id,
            kind="branch_merged",
            reason=_("“%(source)s”并入“%(target)s”") % {"source": source.name, "target": target.name},
            changes={"branch": [source.name, target.name]},
            actor_id=getattr(acting_user, "pk", None),
            actor_username=getattr(acting_user, "username", ""),
        )
        for member_id in member_ids
    )
    return member_ids


def _move_children(*, source: OrgUnit, target: OrgUnit) -> list[int]:
    """Move the source's child units, and their subtrees' paths, under the target. Returns the
    ids of the children moved."""
    child_ids = list(OrgUnit.objects.filter(parent=source).values_list("pk", flat=True))
    _repath(old_prefix=source.path, new_prefix=target.path, include_root=False)
    OrgUnit.objects.filter(pk__in=child_ids).update(parent=target)
    return child_ids


def org_unit_merge(
    *,
    source: OrgUnit,
    target: OrgUnit,
    acting_user: User | None,
    on_date: date | None = None,
) -> OrgUnit:
    """Merge ``source`` into ``target`` (same level of the tree): the source's members
    (``Member.branch``) and child units move to the target, the source is closed on
    ``on_date``, its offices end. Both units keep a history row; each moved member's record
    says where they went."""
    on = on_date or timezone.localdate()
    with transaction.atomic():
        source, target = _lock(source, target)
        _require_change(acting_user=acting_user, unit=source)
        _require_change(acting_user=acting_user, unit=target)
        _check_mergeable(source=source, target=target)
        source_before, target_before = _snapshot(source), _snapshot(target)
        member_ids = _move_members(source=source, target=target, acting_user=acting_user)
        child_ids = _move_children(source=source, target=target)
        index_subtree_later(path_prefix=target.path)  # moved members and units: new paths
        offices = _end_office(unit=source, on=on)
        source.closed_on = on
        source.save(update_fields=["closed_on"])
        moved = {"members_moved": len(member_ids), "units_moved": child_ids}
        _record(
            unit=source,
            kind="merged",
            acting_user=acting_user,
            before=source_before,
            after={**_snapshot(source), "merged_into": target.pk, **moved, **offices},
        )
        _record(
            unit=target,
            kind="merged",
            acting_user=acting_user,
            before=target_before,
            after={**_snapshot(target), "merged_from": source.pk, **moved},
        )
    return target


def org_unit_close(*, unit: OrgUnit, acting_user: User | None, on_date: date | None = None) -> OrgUnit:
    """Close (撤销) a unit that no one is left in: no member on the roll of any branch of its
    subtree and no open unit below it. The row stays, closed, for its history."""
    on = on_date or timezone.localdate()
    with transaction.atomic():
        (unit,) = _lock(unit)
        _require_change(acting_user=acting_user, unit=unit)
        _check_open(unit)
        on_roll = Member.objects.filter(branch__path__startswith=unit.path).exclude(status__in=OFF_ROLL_STATUSES)
        if on_roll.exists():
            raise ValidationError(_("“%(unit)s”还有党员，请先转出或合并。") % {"unit": unit.name})
        open_below = OrgUnit.objects.filter(path__startswith=unit.path, closed_on__isnull=True).exclude(pk=unit.pk)
        if open_below.exists():
            raise ValidationError(_("“%(unit)s”还有未撤销的下级组织。") % {"unit": unit.name})
        before = _snapshot(unit)
        offices = _end_office(unit=unit, on=on)
        unit.closed_on = on
        unit.save(update_fields=["closed_on"])
        _record(
            unit=unit,
            kind="closed",
            acting_user=acting_user,
            before=before,
            after={**_snapshot(unit), **offices},
        )
    return unit
