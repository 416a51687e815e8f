"""Shared helpers of the facts tests: a small tree inside the institution and the published facts
of one unit read back from the public schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from services.organization.models import OrgUnit
from services.oversight.models import UnitFact
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import OrgUnitFactory


@dataclass
class Tree:
    """A committee, a college under it with branches b1 and b2, and b3 directly under the committee."""

    root: OrgUnit
    college: OrgUnit
    b1: OrgUnit
    b2: OrgUnit
    b3: OrgUnit


def make_tree() -> Tree:
    """Call inside the institution's schema."""
    root = OrgUnitFactory(name="测试党委", kind=OrgUnit.Kind.COMMITTEE)
    college = OrgUnitFactory(name="测试学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=root)
    return Tree(
        root=root,
        college=college,
        b1=OrgUnitFactory(name="第一支部", parent=college),
        b2=OrgUnitFactory(name="第二支部", parent=college),
        b3=OrgUnitFactory(name="直属支部", parent=root),
    )


Published = tuple[bool, int | None, int | None]  # suppressed, numerator, denominator


def facts_of(institution: Institution, unit: OrgUnit) -> dict[tuple[str, str], Published]:
    """(metric, period) -> (suppressed, numerator, denominator) of ``unit``."""
    with in_schema("public"):
        rows = UnitFact.objects.filter(institution=institution, unit_path=unit.path)
        return {(r.metric, r.period): (r.suppressed, r.numerator, r.denominator) for r in rows}


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))
