from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.members.models import Member
from services.organization.models import OrgUnit, OrgUnitChange, Position
from services.organization.services import org_unit_create
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory
from tests.organization.conftest import People, Tree


def _unit_url(name: str, unit: OrgUnit) -> str:
    return reverse(f"organization:{name}", kwargs={"pk": unit.pk})


def test_a_secretary_sees_the_tree_of_their_branch_with_counts_and_warnings(
    in_a: Institution, tree: Tree, people: People
) -> None:
    response = client_for(in_a, people.secretary).get(reverse("organization:tree"))
    body = response.content.decode()
    assert response.status_code == 200
    assert tree.branch.name in body and tree.group.name in body
    assert "正式党员 2 人，少于 3 人" in body  # secretary and plain member: a warning badge
    assert tree.other_branch.name not in body  # another college's branch: not theirs to see


def test_the_tree_asks_a_signed_out_visitor_to_sign_in(in_a: Institution, tree: Tree) -> None:
    response = client_for(in_a).get(reverse("organization:tree"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_managers_see_editing_controls_only_where_they_may_edit(in_a: Institution, tree: Tree, people: People) -> None:
    client = client_for(in_a, people.college_admin)
    body = client.get(_unit_url("unit", tree.branch)).content.decode()
    assert _unit_url("unit_rename", tree.branch) in body and _unit_url("position_assign", tree.branch) in body
    college_page = client.get(_unit_url("unit", tree.college)).content.decode()
    assert _unit_url("unit_rename", tree.college) not in college_page  # the committee's to change
    assert _unit_url("unit_add_child", tree.college) in college_page  # but they add branches to it
    member_page = client_for(in_a, people.member).get(_unit_url("unit", tree.branch)).content.decode()
    assert '<form method="post" action="/org/' not in member_page


def test_a_member_cannot_post_a_change(in_a: Institution, tree: Tree, people: People) -> None:
    response = client_for(in_a, people.member).post(_unit_url("unit_rename", tree.branch), {"name": "改名"})
    assert response.status_code == 403
    with in_schema(in_a):
        assert OrgUnit.objects.get(pk=tree.branch.pk).name == tree.branch.name


def test_rename_and_add_a_child_through_the_page(in_a: Institution, tree: Tree, people: People) -> None:
    client = client_for(in_a, people.college_admin)
    response = client.post(_unit_url("unit_rename", tree.branch), {"name": "计算机第一教工党支部"})
    assert response.status_code == 302
    client.post(_unit_url("unit_add_child", tree.college), {"name": "计算机研究生党支部", "kind": "branch"})
    with in_schema(in_a):
        assert OrgUnit.objects.get(pk=tree.branch.pk).name == "计算机第一教工党支部"
        added = OrgUnit.objects.get(name="计算机研究生党支部")
        assert added.parent_id == tree.college.pk
        assert OrgUnitChange.objects.get(unit=added).actor_username == "college_admin"


def test_a_refused_move_is_a_message_not_a_change(in_a: Institution, tree: Tree, people: People) -> None:
    client = client_for(in_a, people.admin)
    response = client.post(_unit_url("unit_move", tree.college), {"new_parent": tree.branch.pk}, follow=True)
    assert response.status_code == 200
    with in_schema(in_a):
        assert OrgUnit.objects.get(pk=tree.college.pk).parent_id == tree.committee.pk


def test_merge_asks_for_confirmation_first(in_a: Institution, tree: Tree, people: People) -> None:
    client = client_for(in_a, people.college_admin)
    first = client.post(_unit_url("unit_merge", tree.branch), {"target": tree.branch2.pk})
    assert first.status_code == 200 and "确认合并" in first.content.decode()
    assert "2 名党员转入" in first.content.decode()
    with in_schema(in_a):
        assert OrgUnit.objects.get(pk=tree.branch.pk).closed_on is None
    second = client.post(_unit_url("unit_merge", tree.branch), {"target": tree.branch2.pk, "confirm": "yes"})
    assert second.status_code == 302
    with in_schema(in_a):
        assert OrgUnit.objects.get(pk=tree.branch.pk).closed_on is not None
        assert Member.objects.filter(branch=tree.branch2).count() == 2


def test_close_asks_for_confirmation_first(in_a: Institution, tree: Tree, people: People) -> None:
    client = client_for(in_a, people.college_admin)
    first = client.post(_unit_url("unit_close", tree.branch2), {})
    assert first.status_code == 200 and "确认撤销" in first.content.decode()
    with in_schema(in_a):
        assert OrgUnit.objects.get(pk=tree.branch2.pk).closed_on is None
    client.post(_unit_url("unit_close", tree.branch2), {"confirm": "yes", "on_date": "2026-01-31"})
    with in_schema(in_a):
        assert OrgUnit.objects.get(pk=tree.branch2.pk).closed_on == date(2026, 1, 31)


def test_assign_and_end_a_position_through_the_page(in_a: Institution, tree: Tree, people: People) -> None:
    with in_schema(in_a):
        member = MemberFactory(branch=tree.branch, name="张组织")
    client = client_for(in_a, people.college_admin)
    page = client.get(_unit_url("unit", tree.branch)).content.decode()
    assert "张组织" in page  # offered in the member picker
    client.post(
        _unit_url("position_assign", tree.branch),
        {"member": member.pk, "kind": Position.Kind.ORGANIZATION, "started_on": "2026-01-01"},
    )
    with in_schema(in_a):
        position = Position.objects.get(member=member)
    client.post(reverse("organization:position_end", kwargs={"pk": position.pk}), {"ended_on": "2026-06-30"})
    with in_schema(in_a):
        assert Position.objects.get(pk=position.pk).ended_on == date(2026, 6, 30)


def test_the_superuser_founds_the_university_committee_from_the_empty_tree(in_a: Institution) -> None:
    from tests.conftest import make_user

    admin = make_user(in_a, username="founder", is_superuser=True)
    client = client_for(in_a, admin)
    assert "设立校党委" in client.get(reverse("organization:tree")).content.decode()
    client.post(reverse("organization:tree"), {"name": "中共甲大学委员会", "kind": "committee"})
    with in_schema(in_a):
        assert OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE, parent=None).count() == 1


@pytest.mark.parametrize("who", ["admin", "college_admin", "secretary", "member"])
def test_the_tree_page_costs_the_same_queries_for_a_bigger_tree(
    in_a: Institution, tree: Tree, people: People, who: str
) -> None:
    client = client_for(in_a, getattr(people, who))
    url = reverse("organization:tree")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # Switching schemas in the test itself makes the next request select its schema again.
        return len([q for q in queries.captured_queries if not q["sql"].startswith("SET search_path")])

    before = count()
    with in_schema(in_a):
        for parent in (tree.college, tree.college2):  # inside and outside the college admin's scope
            for n in range(3):
                unit = org_unit_create(name=f"{parent.name}新支部{n}", kind=OrgUnit.Kind.BRANCH, parent=parent)
                MemberFactory.create_batch(2, branch=unit)
    assert count() == before
