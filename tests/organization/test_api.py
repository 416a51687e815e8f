from __future__ import annotations

from services.organization.models import OrgUnit, OrgUnitChange
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.organization.conftest import People, Tree

LIST = "/api/org-units/"


def test_anyone_signed_in_reads_the_tree(in_a: Institution, tree: Tree, people: People) -> None:
    response = client_for(in_a, people.member).get(LIST)
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert {tree.committee.name, tree.branch.name, tree.group.name} <= names


def test_a_member_cannot_create_or_change_units(in_a: Institution, tree: Tree, people: People) -> None:
    client = client_for(in_a, people.member)
    created = client.post(
        LIST, {"name": "x", "kind": "party_group", "parent": tree.branch.pk}, content_type="application/json"
    )
    assert created.status_code == 403
    patched = client.patch(f"{LIST}{tree.branch.pk}/", {"name": "改名"}, content_type="application/json")
    assert patched.status_code == 403
    with in_schema(in_a):
        assert OrgUnit.objects.get(pk=tree.branch.pk).name == tree.branch.name


def test_a_manager_creates_a_unit(in_a: Institution, tree: Tree, people: People) -> None:
    response = client_for(in_a, people.secretary).post(
        LIST, {"name": "第二党小组", "kind": "party_group", "parent": tree.branch.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["path"] == f"{tree.branch.path}{body['id']}."


def test_a_bad_kind_is_a_400(in_a: Institution, tree: Tree, people: People) -> None:
    response = client_for(in_a, people.admin).post(
        LIST, {"name": "x", "kind": "party_group", "parent": tree.college.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "parent" in response.json()


def test_patch_renames_and_moves_together(in_a: Institution, tree: Tree, people: People) -> None:
    response = client_for(in_a, people.admin).patch(
        f"{LIST}{tree.branch.pk}/",
        {"name": "外语第二党支部", "parent": tree.college2.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["path"] == f"{tree.college2.path}{tree.branch.pk}."
    with in_schema(in_a):
        assert set(OrgUnitChange.objects.filter(unit=tree.branch).values_list("kind", flat=True)) >= {
            "renamed",
            "moved",
        }


def test_a_refused_move_leaves_the_rename_undone_too(in_a: Institution, tree: Tree, people: People) -> None:
    response = client_for(in_a, people.college_admin).patch(
        f"{LIST}{tree.branch.pk}/", {"name": "新名", "parent": tree.college2.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    with in_schema(in_a):
        assert OrgUnit.objects.get(pk=tree.branch.pk).name == tree.branch.name


def test_warnings_list_the_units_the_caller_manages(in_a: Institution, tree: Tree, people: People) -> None:
    response = client_for(in_a, people.secretary).get(f"{LIST}warnings/")
    assert response.status_code == 200
    small = [w for w in response.json() if w["unit"] == tree.branch.pk]
    assert small and small[0]["code"] == "branch_too_small" and small[0]["rule"] == "branch.min_full_members"
    assert "支部工作条例" in small[0]["citation"]
    assert {w["unit"] for w in response.json()} == {tree.branch.pk}  # not the other branches' figures
    everything = {w["unit"] for w in client_for(in_a, people.admin).get(f"{LIST}warnings/").json()}
    assert {tree.branch.pk, tree.branch2.pk, tree.other_branch.pk} <= everything
    # A plain member can act on none of them: none are listed.
    assert client_for(in_a, people.member).get(f"{LIST}warnings/").json() == []
