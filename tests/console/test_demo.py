"""The demo's org trees read like a real university's: no unit named twice after its kind."""

from __future__ import annotations

import pytest

from console.demo import INSTITUTIONS, DemoInstitution, _build_tree
from services.organization.models import OrgUnit
from tenants.models import Institution
from tests.conftest import in_schema

KIND_WORDS = ("委员会", "党委", "党总支", "党支部", "党小组")


@pytest.mark.parametrize("demo", INSTITUTIONS, ids=[demo.code for demo in INSTITUTIONS])
def test_no_demo_unit_repeats_its_kind_in_its_name(inst_a: Institution, demo: DemoInstitution) -> None:
    with in_schema(inst_a):
        _build_tree(demo)
        names = list(OrgUnit.objects.values_list("name", flat=True))
    doubled = [name for name in names if any(name.count(word) > 1 for word in KIND_WORDS)]
    assert not doubled, f"unit names that say their kind twice: {doubled}"
    assert len(names) > 10  # the tree was built


def test_offices_have_staff_branches_only(inst_a: Institution) -> None:
    demo = next(demo for demo in INSTITUTIONS if demo.offices)
    with in_schema(inst_a):
        _build_tree(demo)
        office = OrgUnit.objects.get(name=f"{demo.offices[0]}党委")
        kinds = set(OrgUnit.objects.filter(parent=office).values_list("branch_kind", flat=True))
    assert kinds == {OrgUnit.BranchKind.TEACHER}
