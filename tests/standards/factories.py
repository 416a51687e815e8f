"""A small valid indicator system for the standards tests."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from services.standards import services
from services.standards.models import IndicatorSystem


def build_system(user: Any, *, name: str = "标准化支部建设考评", kind: str = "", year: int = 2026) -> IndicatorSystem:
    """组织建设 (60): 三会一课 per evidence (30 = 20 + 10), 按期换届 a veto deduction item (30);
    学习教育 (40): 学时达标 metric threshold 90 % (40)."""
    system = services.system_create(name=name, institution_kind=kind, year=year, acting_user=user)
    services.system_update(system=system, acting_user=user, veto_cap=D(59))
    org = services.node_add(system=system, parent=None, kind="area", title="组织建设", points=D(60), acting_user=user)
    meetings = services.node_add(
        system=system, parent=org, kind="item", title="三会一课", points=D(30), rule="per_evidence", acting_user=user
    )
    services.node_add(system=system, parent=meetings, kind="evidence", title="会议记录", points=D(20), acting_user=user)
    services.node_add(system=system, parent=meetings, kind="evidence", title="签到表", points=D(10), acting_user=user)
    renewal = services.node_add(
        system=system,
        parent=org,
        kind="item",
        title="按期换届",
        points=D(30),
        rule="deduction",
        deduction=D(20),
        veto=True,
        acting_user=user,
    )
    services.node_add(system=system, parent=renewal, kind="evidence", title="换届批复", acting_user=user)
    services.node_add(system=system, parent=renewal, kind="evidence", title="选举结果报告", acting_user=user)
    study = services.node_add(system=system, parent=None, kind="area", title="学习教育", points=D(40), acting_user=user)
    services.node_add(
        system=system,
        parent=study,
        kind="item",
        title="学时达标",
        points=D(40),
        rule="metric_threshold",
        metric="study.hours_met",
        threshold=D(90),
        acting_user=user,
    )
    system.refresh_from_db()
    return system
