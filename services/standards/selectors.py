"""Reads of indicator systems: lists, the ordered tree, the scoring spec of a system and the
system that applies to an institution for a year."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django_tenants.utils import schema_context

from services.metrics import registry

from . import scoring
from .models import IndicatorNode, IndicatorSystem
from .validation import NodeData

PUBLISHER_ROLES = ("committee", "operator")


def may_publish(user: Any) -> bool:
    """Console users of the municipal committee, and operators, keep indicator systems."""
    return getattr(user, "platform_role", "") in PUBLISHER_ROLES


def system_list() -> QuerySet[IndicatorSystem]:
    return IndicatorSystem.objects.all()


def tree(system: IndicatorSystem) -> list[tuple[IndicatorNode, int, str]]:
    """Nodes in reading order with depth (0 for areas) and number ("1", "1.2", "1.2.1")."""
    nodes = list(system.nodes.all())
    kids: dict[int | None, list[IndicatorNode]] = {}
    for node in nodes:
        kids.setdefault(node.parent_id, []).append(node)

    def walk(parent: int | None, depth: int, prefix: str) -> Iterator[tuple[IndicatorNode, int, str]]:
        for index, node in enumerate(kids.get(parent, []), start=1):
            number = f"{prefix}{index}"
            yield node, depth, number
            if depth < 3:  # a cycle cannot come from the editor; never loop on one
                yield from walk(node.pk, depth + 1, f"{number}.")

    return list(walk(None, 0, ""))


def node_data(system: IndicatorSystem) -> list[NodeData]:
    return [
        NodeData(
            key=n.pk,
            parent_key=n.parent_id,
            kind=n.kind,
            title=n.title,
            points=n.points,
            rule=n.rule,
            deduction=n.deduction,
            metric=n.metric,
            threshold=n.threshold,
            veto=n.veto,
        )
        for n in system.nodes.all()
    ]


def metric_label(name: str) -> str:
    found = registry.METRICS.get(name)
    return str(found.label) if found else name


def spec(system: IndicatorSystem, *, local: bool = False) -> scoring.SystemSpec:
    """The scoring spec of ``system`` (its tree as the engine reads it). ``local``: an
    institution's local items, whose keys are the negated ids (they never meet a public id)."""
    sign = -1 if local else 1
    nodes = list(system.nodes.all())
    kids: dict[int | None, list[IndicatorNode]] = {}
    for node in nodes:
        kids.setdefault(node.parent_id, []).append(node)

    def item(node: IndicatorNode) -> scoring.ItemSpec:
        return scoring.ItemSpec(
            key=sign * node.pk,
            title=node.title,
            points=node.points,
            rule=node.rule,
            evidence=tuple(
                scoring.EvidenceSpec(sign * e.pk, e.title, e.points)
                for e in kids.get(node.pk, [])
                if e.kind == IndicatorNode.Kind.EVIDENCE
            ),
            deduction=node.deduction,
            metric=node.metric,
            metric_label=metric_label(node.metric) if node.metric else "",
            threshold=node.threshold,
            veto=node.veto,
        )

    areas = tuple(
        scoring.AreaSpec(
            sign * a.pk,
            a.title,
            a.points,
            tuple(item(i) for i in kids.get(a.pk, []) if i.kind == IndicatorNode.Kind.ITEM),
        )
        for a in kids.get(None, [])
        if a.kind == IndicatorNode.Kind.AREA
    )
    return scoring.SystemSpec(
        total_points=system.total_points,
        grades=tuple((str(label), Decimal(str(minimum))) for label, minimum in system.grades),
        veto_grade=system.veto_grade,
        veto_cap=system.veto_cap,
        standardized_min=system.standardized_min,
        areas=areas,
    )


def metrics_used(system: IndicatorSystem) -> list[str]:
    # From the (possibly prefetched) nodes: a system read from the public schema is used in an institution's.
    return sorted({n.metric for n in system.nodes.all() if n.metric})


def applicable_system(*, institution_kind: str, year: int) -> IndicatorSystem | None:
    """The committee's published system for ``year`` that applies to an institution of
    ``institution_kind``: the one for its type before the one for every institution, the newest
    version first. Read from the public schema."""
    with schema_context("public"):
        found = (
            IndicatorSystem.objects.prefetch_related("nodes")
            .filter(status=IndicatorSystem.Status.PUBLISHED, year=year, institution_kind__in=[institution_kind, ""])
            .order_by("-institution_kind", "-version", "-published_at")
            .first()
        )
        return found  # its nodes are prefetched, read while in the public schema
