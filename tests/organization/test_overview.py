"""Each role sees what its scope covers on the home page and the tree (services/organization/
overview.py): a member their own branch and the path above it, a secretary their branch, a college
administrator their college, the institution administrator everything. Counts only where the
reader's scope covers them, warnings only where the reader manages.

The tree (tests/organization/conftest.py): committee → college → {branch (+ group), branch2};
committee → college2 → other_branch. Branch has the secretary and the plain member (2 full
members: a "too small" warning); branch2 gets 4 members here, other_branch 6.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory
from tests.organization.conftest import People, Tree

TOO_SMALL = "少于 3 人"


@pytest.fixture
def staffed(in_a: Institution, tree: Tree, people: People) -> Tree:
    MemberFactory.create_batch(4, branch=tree.branch2, status=Member.Status.NORMAL)
    MemberFactory.create_batch(6, branch=tree.other_branch, status=Member.Status.NORMAL)
    return tree


def _page(in_a: Institution, user: object, path: str) -> str:
    response = client_for(in_a, user).get(path)  # type: ignore[arg-type]
    assert response.status_code == 200, path
    return response.content.decode()


def _stats(body: str) -> dict[str, int]:
    """The home page's figures: {label: number}."""
    return {label.strip(): int(n) for n, label in re.findall(r'<div class="stat"><b>(\d+)</b>([^<]+)</div>', body)}


def test_a_member_sees_their_own_branch_and_the_path_above_it_only(
    in_a: Institution, staffed: Tree, people: People
) -> None:
    home = _page(in_a, people.member, "/")
    assert _stats(home) == {"本支部党员数": 2}
    assert f"所在支部：{staffed.branch.name}" in home
    tree_page = _page(in_a, people.member, reverse("organization:tree"))
    for body in (home, tree_page):
        for shown in (staffed.committee, staffed.college, staffed.branch):
            assert shown.name in body
        for hidden in (staffed.branch2, staffed.college2, staffed.other_branch):
            assert hidden.name not in body
    assert TOO_SMALL not in tree_page  # a warning a member cannot act on
    assert "共 " not in tree_page  # no college or university totals (they count other branches)
    assert "2 人" in tree_page  # their own branch's head count


def test_a_member_cannot_open_another_branchs_page_and_sees_no_totals_above_their_own(
    in_a: Institution, staffed: Tree, people: People
) -> None:
    client = client_for(in_a, people.member)
    assert client.get(reverse("organization:unit", kwargs={"pk": staffed.other_branch.pk})).status_code == 404
    assert client.get(reverse("organization:unit", kwargs={"pk": staffed.branch2.pk})).status_code == 404
    college = _page(in_a, people.member, reverse("organization:unit", kwargs={"pk": staffed.college.pk}))
    assert staffed.branch.name in college and staffed.branch2.name not in college
    assert "党员（含下级）" not in college
    own = _page(in_a, people.member, reverse("organization:unit", kwargs={"pk": staffed.branch.pk}))
    assert "正式党员" in own and TOO_SMALL not in own


def test_a_secretary_sees_their_branch_with_its_warnings(in_a: Institution, staffed: Tree, people: People) -> None:
    home = _page(in_a, people.secretary, "/")
    assert _stats(home) == {"党员数": 2, "党支部数": 1}
    assert f"统计范围：{staffed.branch.name}" in home
    tree_page = _page(in_a, people.secretary, reverse("organization:tree"))
    assert TOO_SMALL in tree_page
    for hidden in (staffed.branch2, staffed.other_branch, staffed.college2):
        assert hidden.name not in tree_page and hidden.name not in home


def test_a_college_administrator_sees_their_college(in_a: Institution, staffed: Tree, people: People) -> None:
    home = _page(in_a, people.college_admin, "/")
    assert _stats(home) == {"党员数": 6, "党支部数": 2}
    assert f"统计范围：{staffed.college.name}" in home
    tree_page = _page(in_a, people.college_admin, reverse("organization:tree"))
    assert staffed.branch.name in tree_page and staffed.branch2.name in tree_page
    assert "共 6 人" in tree_page  # the college's total
    assert TOO_SMALL in tree_page  # the branch under it
    assert staffed.other_branch.name not in tree_page and staffed.college2.name not in tree_page


def test_the_institution_administrator_sees_everything(in_a: Institution, staffed: Tree, people: People) -> None:
    home = _page(in_a, people.admin, "/")
    assert _stats(home) == {"党员数": 12, "党支部数": 3}
    assert "统计范围" not in home
    tree_page = _page(in_a, people.admin, reverse("organization:tree"))
    for unit in (staffed.branch, staffed.branch2, staffed.other_branch, staffed.college2):
        assert unit.name in tree_page
    assert "共 12 人" in tree_page


def test_an_account_without_a_party_organization_is_told_so(in_a: Institution, staffed: Tree) -> None:
    from tests.conftest import make_user

    nobody = make_user(in_a, username="no_branch")
    home = _page(in_a, nobody, "/")
    assert "尚未关联党组织" in home and staffed.committee.name not in home


@pytest.mark.parametrize("who", ["admin", "college_admin", "secretary", "member"])
def test_the_home_page_costs_the_same_queries_for_a_bigger_tree(
    in_a: Institution, staffed: Tree, people: People, who: str
) -> None:
    client = client_for(in_a, getattr(people, who))
    client.get("/")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len([q for q in queries.captured_queries if not q["sql"].startswith("SET search_path")])

    before = count()
    with in_schema(in_a):
        for parent in (staffed.college, staffed.college2):
            for n in range(3):
                unit = org_unit_create(name=f"{parent.name}新支部{n}", kind=OrgUnit.Kind.BRANCH, parent=parent)
                MemberFactory.create_batch(2, branch=unit)
    assert count() == before
