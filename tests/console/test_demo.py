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


def test_demo_activates_a_few_members_per_branch_and_names_one_to_activate(inst_a: Institution) -> None:
    import random

    from django.contrib.auth import authenticate

    from console.demo import ACTIVATED_PER_BRANCH, DEMO_PASSWORD, _activation_hint, _member_accounts, _members
    from services.members.models import Member

    with in_schema(inst_a):
        branches = [unit for unit in _build_tree(INSTITUTIONS[1]) if unit.kind == OrgUnit.Kind.BRANCH][:3]
        members = Member.objects.bulk_create(_members(random.Random(3), branches, 5 * len(branches)))
        _member_accounts(members, skip={members[0].pk})
        with_accounts = Member.objects.filter(pk__in=[m.pk for m in members], user__isnull=False)
        per_branch = {b.pk: with_accounts.filter(branch=b).count() for b in branches}
        assert per_branch == {b.pk: ACTIVATED_PER_BRANCH for b in branches}
        assert not with_accounts.filter(pk=members[0].pk).exists()
        activated = with_accounts.select_related("user").first()
        assert activated is not None and activated.user is not None
        assert activated.user.username == activated.number and activated.user.activated_at is not None
        assert authenticate(username=activated.number, password=DEMO_PASSWORD) == activated.user
        hint = _activation_hint()
        waiting = Member.objects.filter(user__isnull=True).order_by("id").first()
        assert waiting is not None
        assert waiting.number in hint and waiting.name in hint and waiting.national_id[-6:] in hint
