"""Writes of indicator systems: drafts and their nodes, publishing and new versions. Each is one
audited transaction. A published system is refused here with a clear message, and again by the
database (migration 0002) whoever connects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record

from . import audit_events, selectors, validation
from .models import IndicatorNode, IndicatorSystem
from .validation import Problem, SystemInvalid

SETTINGS = (
    "name", "institution_kind", "year", "total_points", "grades", "veto_grade", "veto_cap", "standardized_min",
    "closes_on",
)  # fmt: skip
NODE_FIELDS = ("title", "description", "points", "rule", "deduction", "metric", "threshold", "veto", "position")


class SystemPublished(ValidationError):
    def __init__(self, system: IndicatorSystem) -> None:
        super().__init__(
            _("“%(n)s”第 %(v)s 版已发布，不能再修改；请在其基础上新建版本。") % {"n": system.name, "v": system.version}
        )


def _draft(system: IndicatorSystem) -> IndicatorSystem:
    locked = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    if locked.is_published:
        raise SystemPublished(locked)
    return locked


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal | date) else value


def system_create(*, name: str, institution_kind: str, year: int, acting_user: Any) -> IndicatorSystem:
    with transaction.atomic():
        system = IndicatorSystem.objects.create(
            name=name, institution_kind=institution_kind, year=year, created_by=acting_user
        )
        audit_record(
            event=audit_events.SYSTEM_CREATED,
            actor=acting_user,
            target=system,
            after={"name": name, "kind": institution_kind, "year": year, "version": 1},
        )
    return system


def system_update(*, system: IndicatorSystem, acting_user: Any, **changes: Any) -> IndicatorSystem:
    """Change a draft's settings (``SETTINGS``). The grades are checked here; the rest at publishing."""
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise TypeError(f"not a setting: {sorted(unknown)}")
    if "grades" in changes:
        _parsed, problems = validation.parse_grades(changes["grades"])
        if problems:
            raise SystemInvalid(problems)
    with transaction.atomic():
        system = _draft(system)
        before = {k: _plain(getattr(system, k)) for k in changes}
        for key, value in changes.items():
            setattr(system, key, value)
        system.save(update_fields=list(changes))
        audit_record(
            event=audit_events.SYSTEM_CHANGED,
            actor=acting_user,
            target=system,
            before=before,
            after={k: _plain(v) for k, v in changes.items()},
        )
    return system


def system_delete(*, system: IndicatorSystem, acting_user: Any) -> None:
    with transaction.atomic():
        system = _draft(system)
        audit_record(
            event=audit_events.SYSTEM_DELETED,
            actor=acting_user,
            target=system,
            before={"name": system.name, "year": system.year, "version": system.version},
        )
        system.delete()


def _check_parent(system: IndicatorSystem, parent: IndicatorNode | None, kind: str) -> None:
    want = validation.PARENT_KIND.get(kind, "?")
    if parent is not None and parent.system_id != system.pk:
        raise SystemInvalid([Problem(_("上级指标"), _("上级指标不属于这个指标体系"))])
    if (parent.kind if parent else None) != want:
        where = f"“{parent.title}”" if parent else _("指标体系")
        raise SystemInvalid([Problem(where, _("这里不能添加%(k)s") % {"k": validation.KIND_LABEL.get(kind, kind)})])


def node_add(
    *, system: IndicatorSystem, parent: IndicatorNode | None, kind: str, title: str, acting_user: Any, **fields: Any
) -> IndicatorNode:
    """Add an area (no parent), an item (under an area) or an evidence point (under an item)."""
    with transaction.atomic():
        system = _draft(system)
        _check_parent(system, parent, kind)
        if "position" not in fields:
            fields["position"] = system.nodes.filter(parent=parent).count() + 1
        node = IndicatorNode.objects.create(system=system, parent=parent, kind=kind, title=title, **fields)
        audit_record(
            event=audit_events.NODE_ADDED,
            actor=acting_user,
            target=node,
            after={"kind": kind, "title": title, "points": str(node.points), "rule": node.rule},
        )
    return node


def node_update(*, node: IndicatorNode, acting_user: Any, **changes: Any) -> IndicatorNode:
    unknown = set(changes) - set(NODE_FIELDS)
    if unknown:
        raise TypeError(f"not a node field: {sorted(unknown)}")
    with transaction.atomic():
        _draft(node.system)
        before = {k: _plain(getattr(node, k)) for k in changes}
        for key, value in changes.items():
            setattr(node, key, value)
        node.save(update_fields=list(changes))
        audit_record(
            event=audit_events.NODE_CHANGED,
            actor=acting_user,
            target=node,
            before=before,
            after={k: _plain(v) for k, v in changes.items()},
        )
    return node


def node_move(*, node: IndicatorNode, parent: IndicatorNode | None, acting_user: Any) -> IndicatorNode:
    """Put ``node`` under another parent of the right level; a node never goes under itself or
    one of its own children (a cycle)."""
    with transaction.atomic():
        system = _draft(node.system)
        current = parent
        while current is not None:
            if current.pk == node.pk:
                raise SystemInvalid([Problem(f"“{node.title}”", _("指标不能移到自己或自己的下级之下（会形成循环）"))])
            current = current.parent
        _check_parent(system, parent, node.kind)
        before = {"parent": node.parent_id}
        node.parent = parent
        node.save(update_fields=["parent"])
        audit_record(
            event=audit_events.NODE_CHANGED,
            actor=acting_user,
            target=node,
            before=before,
            after={"parent": parent.pk if parent else None},
        )
    return node


def node_remove(*, node: IndicatorNode, acting_user: Any) -> int:
    """Remove a node and everything under it; returns how many nodes went."""
    with transaction.atomic():
        _draft(node.system)
        removed, _by_model = node.delete()
        audit_record(
            event=audit_events.NODE_REMOVED,
            actor=acting_user,
            target=None,
            before={"id": node.pk, "kind": node.kind, "title": node.title, "points": str(node.points)},
            detail={"removed": removed, "system": node.system_id},
        )
    return removed


def system_problems(system: IndicatorSystem) -> list[Problem]:
    return validation.validate(
        selectors.node_data(system),
        total_points=system.total_points,
        grades=system.grades,
        veto_grade=system.veto_grade,
        veto_cap=system.veto_cap,
        standardized_min=system.standardized_min,
    )


def system_publish(*, system: IndicatorSystem, acting_user: Any) -> IndicatorSystem:
    """Publish a draft: from now on it never changes. ``SystemInvalid`` (every problem, with
    where) and nothing published while the tree, the points or a rule is wrong."""
    with transaction.atomic():
        system = _draft(system)
        problems = system_problems(system)
        if problems:
            raise SystemInvalid(problems)
        system.status = IndicatorSystem.Status.PUBLISHED
        system.published_by = acting_user
        system.published_at = timezone.now()
        system.save(update_fields=["status", "published_by", "published_at"])
        audit_record(
            event=audit_events.SYSTEM_PUBLISHED,
            actor=acting_user,
            target=system,
            after={
                "name": system.name,
                "kind": system.institution_kind,
                "year": system.year,
                "version": system.version,
                "nodes": system.nodes.count(),
            },
        )
    return system


def _copy_nodes(source: IndicatorSystem, target: IndicatorSystem) -> int:
    new_ids: dict[int, IndicatorNode] = {}
    count = 0
    for node, _depth, _number in selectors.tree(source):
        copy = IndicatorNode.objects.create(
            system=target,
            parent=new_ids.get(node.parent_id) if node.parent_id else None,
            kind=node.kind,
            **{f: getattr(node, f) for f in NODE_FIELDS},
        )
        new_ids[node.pk] = copy
        count += 1
    return count


def system_new_version(*, system: IndicatorSystem, acting_user: Any) -> IndicatorSystem:
    """A draft copy of ``system`` (its settings and tree) as the next version, to edit and publish."""
    with transaction.atomic():
        latest = (
            IndicatorSystem.objects.filter(name=system.name, year=system.year, institution_kind=system.institution_kind)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        draft = IndicatorSystem.objects.create(
            **{k: getattr(system, k) for k in SETTINGS},
            version=(latest or system.version) + 1,
            based_on=system,
            created_by=acting_user,
        )
        count = _copy_nodes(system, draft)
        audit_record(
            event=audit_events.SYSTEM_CREATED,
            actor=acting_user,
            target=draft,
            after={"name": draft.name, "kind": draft.institution_kind, "year": draft.year, "version": draft.version},
            detail={"from": system.pk, "nodes": count},
        )
    return draft
