"""Demo data of 标准化建设: the committee's published indicator system for undergraduate
universities for this year (three areas, items of every rule, one veto item, automatic evidence
from study, exams and ideological reports), and in such a university the demo secretary's branch
with its self-assessment begun, waiting for documents and a submission. Idempotent."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal as D
from typing import Any

from django_tenants.utils import schema_context

from services.organization.models import Position
from tenants.models import Institution

from . import services
from .models import Assessment, IndicatorSystem

NAME = "高校标准化党支部建设考评指标"
# (area, points, [(item, points, rule, extra, [(evidence, points)])])
TREE: tuple[tuple[str, int, tuple[tuple[str, int, str, dict[str, Any], tuple[tuple[str, int], ...]], ...]], ...] = (
    ("组织建设", 30, (
        ("支部委员会按期换届", 15, "deduction", {"deduction": D(10), "veto": True},
         (("换届选举请示及批复", 0), ("选举结果报告", 0))),
        ("“三会一课”制度落实", 15, "per_evidence", {},
         (("支部党员大会记录", 5), ("支部委员会会议记录", 5), ("党课记录", 5))),
    )),
    ("教育管理", 40, (
        ("党员学习学时达标", 20, "metric_proportional", {"metric": "study.hours_met", "threshold": D(90)}, ()),
        ("思想汇报按时报送", 10, "metric_threshold", {"metric": "thought_reports.on_time", "threshold": D(80)}, ()),
        ("党员参加应知应会考试", 10, "metric_threshold", {"metric": "exams.took_part", "threshold": D(90)}, ()),
    )),
    ("作用发挥", 30, (
        ("党务公开", 10, "per_evidence", {}, (("党务公开记录", 10),)),
        ("主题党日活动", 10, "deduction", {"deduction": D(5)}, (("活动方案", 0), ("活动记录及照片", 0))),
        ("志愿服务与先锋作用", 10, "per_evidence", {}, (("活动总结", 10),)),
    )),
)  # fmt: skip


def _build(year: int) -> IndicatorSystem:
    system = services.system_create(
        name=NAME, institution_kind=Institution.Kind.UNIVERSITY, year=year, acting_user=None
    )
    services.system_update(system=system, closes_on=date(year + 1, 1, 31), veto_cap=D(59), acting_user=None)
    for area_title, area_points, items in TREE:
        area = services.node_add(
            system=system, parent=None, kind="area", title=area_title, points=D(area_points), acting_user=None
        )
        for title, points, rule, extra, evidence in items:
            item = services.node_add(
                system=system, parent=area, kind="item", title=title, points=D(points), rule=rule,
                acting_user=None, **extra,
            )  # fmt: skip
            for piece, piece_points in evidence:
                services.node_add(
                    system=system, parent=item, kind="evidence", title=piece, points=D(piece_points), acting_user=None
                )
    return services.system_publish(system=system, acting_user=None)


def seed_public() -> None:
    year = date.today().year
    if not IndicatorSystem.objects.filter(name=NAME, year=year, status=IndicatorSystem.Status.PUBLISHED).exists():
        _build(year)


def seed_institution(*, institution: Institution, rng: random.Random) -> None:
    """The demo secretary's branch has its self-assessment begun (in a university)."""
    year = date.today().year
    if institution.kind != Institution.Kind.UNIVERSITY:
        return
    with schema_context("public"):
        system = IndicatorSystem.objects.filter(name=NAME, year=year, status=IndicatorSystem.Status.PUBLISHED).first()
    position = (
        Position.objects.filter(kind=Position.Kind.SECRETARY, member__user__username="secretary")
        .select_related("unit")
        .first()
    )
    if system is None or position is None:
        return
    Assessment.objects.get_or_create(unit=position.unit, year=year, defaults={"system_id": system.pk})
