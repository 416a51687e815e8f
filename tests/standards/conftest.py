"""An institution tree for the assessment tests: root committee → colleges Y and Z → branches X
(in Y), W (in Z) and V (directly under the root); the secretary of X, the unit admin of Y, the
institution admin; and the committee's published system for every institution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from services.kernel.figures import UnitFigure
from services.metrics import registry
from services.metrics.registry import Metric
from services.standards import services
from services.standards.models import IndicatorSystem
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.standards.factories import build_system


@dataclass
class Tree:
    institution: Institution
    system: IndicatorSystem
    units: dict[str, Any]
    users: dict[str, Any]
    hours: dict[int, tuple[int, int]]  # the fake metric's figures by unit id


@pytest.fixture
def tree(inst_a: Institution, committee_user: Any, monkeypatch: pytest.MonkeyPatch) -> Tree:
    from services.organization.models import AdminGrant, OrgUnit, Position
    from tests.factories import MemberFactory, OrgUnitFactory

    with in_schema("public"):
        draft = build_system(committee_user)
        services.system_update(system=draft, closes_on=date(2027, 1, 31), acting_user=committee_user)
        system = services.system_publish(system=draft, acting_user=committee_user)
        system = IndicatorSystem.objects.prefetch_related("nodes").get(pk=system.pk)
    with in_schema(inst_a):
        root = OrgUnitFactory(name="党委", kind=OrgUnit.Kind.COMMITTEE)
        y = OrgUnitFactory(name="学院Y", kind=OrgUnit.Kind.SECOND_LEVEL, parent=root)
        z = OrgUnitFactory(name="学院Z", kind=OrgUnit.Kind.SECOND_LEVEL, parent=root)
        units = {
            "root": root,
            "Y": y,
            "Z": z,
            "X": OrgUnitFactory(name="支部X", parent=y),
            "W": OrgUnitFactory(name="支部W", parent=z),
            "V": OrgUnitFactory(name="支部V", parent=root),
        }
        users = {
            name: make_user(inst_a, username=f"std_{name}") for name in ("secretary", "college", "admin", "member")
        }
        secretary = MemberFactory(branch=units["X"], user=users["secretary"])
        MemberFactory(branch=units["X"], user=users["member"])
        Position.objects.create(
            member=secretary, unit=units["X"], kind=Position.Kind.SECRETARY, started_on="2025-01-01"
        )
        AdminGrant.objects.create(user=users["college"], unit=y, role=AdminGrant.Role.UNIT_ADMIN)
        AdminGrant.objects.create(user=users["admin"], unit=root, role=AdminGrant.Role.INSTITUTION_ADMIN)
    hours: dict[int, tuple[int, int]] = {units["X"].pk: (19, 20)}

    def hours_met(*, year: int) -> list[UnitFigure]:
        return [UnitFigure(pk, n, d) for pk, (n, d) in hours.items()]

    monkeypatch.setattr(registry, "METRICS", {**registry.METRICS, "study.hours_met": Metric("学时达标率", hours_met)})
    return Tree(inst_a, system, units, users, hours)
