"""Who is told about a unit (the reminders' recipients) is who manages it in ``Scope``, but for
the two differences ``managers_to_notify`` names: no superuser, no grant of an inactive account."""

from __future__ import annotations

from django.utils import timezone

from services.accounts.models import User
from services.organization.models import OrgUnit
from services.organization.scope import ancestor_paths, can_manage, managers_to_notify, scope_for
from tests.organization.conftest import People, Tree


def _units(tree: Tree) -> list[OrgUnit]:
    return [tree.committee, tree.college, tree.college2, tree.branch, tree.branch2, tree.group, tree.other_branch]


def test_the_managers_told_about_each_unit_are_those_whose_scope_manages_it(tree: Tree, people: People) -> None:
    told = managers_to_notify(on=timezone.localdate())
    for unit in _units(tree):
        for user in (people.college_admin, people.secretary, people.member):
            assert (user.pk in told.of_unit(unit.pk)) == can_manage(acting_user=user, unit=unit), (unit, user)


def test_the_superuser_manages_everything_but_is_told_about_nothing(tree: Tree, people: People) -> None:
    told = managers_to_notify(on=timezone.localdate())
    assert scope_for(people.admin).everything
    assert all(people.admin.pk not in told.of_unit(unit.pk) for unit in _units(tree))


def test_a_grant_of_an_inactive_account_is_not_told_though_its_scope_still_manages(tree: Tree, people: People) -> None:
    User.objects.filter(pk=people.college_admin.pk).update(is_active=False)
    inactive = User.objects.get(pk=people.college_admin.pk)
    assert can_manage(acting_user=inactive, unit=tree.branch)
    assert inactive.pk not in managers_to_notify(on=timezone.localdate()).of_unit(tree.branch.pk)


def test_a_units_ancestor_paths_end_with_its_own() -> None:
    assert ancestor_paths("1.4.17.") == ["1.", "1.4.", "1.4.17."]
    assert ancestor_paths("1.") == ["1."]
