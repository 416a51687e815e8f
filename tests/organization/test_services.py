from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.audit.models import AuditEvent
from services.members.models import Member, MemberChange
from services.organization import audit_events as org_events
from services.organization import grants, offices, services
from services.organization.models import AdminGrant, OrgUnit, OrgUnitChange, Position, Term
from services.organization.scope import scope_for
from tenants.models import Institution
from tests.factories import MemberFactory
from tests.organization.conftest import People, Tree


def _fresh(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


# --- create and rename ---------------------------------------------------------------------------


def test_creating_a_unit_writes_history_and_an_audit_row(tree: Tree, people: People) -> None:
    unit = services.org_unit_create(
        name="计算机研究生党支部", kind=OrgUnit.Kind.BRANCH, parent=tree.college, acting_user=people.admin
    )
    assert unit.path == f"{tree.college.path}{unit.pk}."
    change = OrgUnitChange.objects.get(unit=unit)
    assert change.kind == "created" and change.actor_username == "org_admin"
    audit = AuditEvent.objects.get(
        event=org_events.ORG_UNIT_CHANGED, object_type="organization.orgunit", object_id=str(unit.pk)
    )
    assert audit.actor_username == "org_admin" and audit.detail["change"] == "created"


@pytest.mark.parametrize(
    ("kind", "parent_name"),
    [
        (OrgUnit.Kind.PARTY_GROUP, "college"),  # a party group belongs to a branch
        (OrgUnit.Kind.BRANCH, "group"),  # nothing hangs under a party group
        (OrgUnit.Kind.SECOND_LEVEL, "college"),  # second-level committees sit under the committee
        (OrgUnit.Kind.COMMITTEE, "college"),
    ],
)
def test_a_unit_must_fit_under_its_parent(tree: Tree, people: People, kind: str, parent_name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.org_unit_create(name="新组织", kind=kind, parent=getattr(tree, parent_name), acting_user=people.admin)
    assert "parent" in refused.value.message_dict


def test_a_second_university_committee_is_refused(tree: Tree, people: People) -> None:
    with pytest.raises(ValidationError):
        services.org_unit_create(name="另一个校党委", kind=OrgUnit.Kind.COMMITTEE, acting_user=people.admin)


def test_rename_keeps_the_old_name_in_history(tree: Tree, people: People) -> None:
    services.org_unit_rename(unit=tree.branch, name="计算机第一教工党支部", acting_user=people.college_admin)
    assert _fresh(tree.branch).name == "计算机第一教工党支部"
    change = OrgUnitChange.objects.filter(unit=tree.branch, kind="renamed").get()
    assert change.before == {"name": "计算机教工党支部"} and change.after == {"name": "计算机第一教工党支部"}


# --- move ------------------------------------------------------------------------------------------


def test_move_recomputes_the_paths_of_the_whole_subtree_in_one_update(tree: Tree, people: People) -> None:
    with CaptureQueriesContext(connection) as queries:
        services.org_unit_move(unit=tree.branch, new_parent=tree.college2, acting_user=people.admin)
    branch, group = _fresh(tree.branch), _fresh(tree.group)
    assert branch.parent_id == tree.college2.pk
    assert branch.path == f"{tree.college2.path}{branch.pk}."
    assert group.path == f"{branch.path}{group.pk}."
    assert _fresh(tree.branch2).path == f"{tree.college.path}{tree.branch2.pk}."  # a sibling stays
    path_updates = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and '"path" =' in q["sql"]
    ]
    assert len(path_updates) == 1, path_updates
    change = OrgUnitChange.objects.get(unit=tree.branch, kind="moved")
    assert change.before["parent"] == tree.college.pk and change.after["parent"] == tree.college2.pk
    assert change.after["units_moved"] == 2


def test_move_rewrites_only_the_prefix_of_each_path(in_a: Institution, tree: Tree, people: People) -> None:
    # A detached branch "990004." whose party group's id ends with the same digits: a textual
    # replace() of the prefix would also rewrite the middle of "990004.1990004.".
    branch = OrgUnit.objects.create(pk=990004, name="独立支部", kind=OrgUnit.Kind.BRANCH, path="990004.")
    group = OrgUnit.objects.create(
        pk=1990004, name="独立小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=branch, path="990004.1990004."
    )
    services.org_unit_move(unit=branch, new_parent=tree.college, acting_user=people.admin)
    assert _fresh(group).path == f"{tree.college.path}990004.1990004."


@pytest.mark.parametrize("under", ["branch", "group"])
def test_a_unit_cannot_move_under_itself_or_its_own_subtree(tree: Tree, people: People, under: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.org_unit_move(unit=tree.branch, new_parent=getattr(tree, under), acting_user=people.admin)
    assert "下级" in refused.value.message_dict["parent"][0]
    assert _fresh(tree.branch).path == tree.branch.path


def test_a_college_cannot_move_under_one_of_its_branches(tree: Tree, people: People) -> None:
    with pytest.raises(ValidationError):
        services.org_unit_move(unit=tree.college, new_parent=tree.branch, acting_user=people.admin)
    assert _fresh(tree.branch).path.startswith(tree.college.path)


def test_a_party_group_cannot_move_under_a_college(tree: Tree, people: People) -> None:
    with pytest.raises(ValidationError) as refused:
        services.org_unit_move(unit=tree.group, new_parent=tree.college2, acting_user=people.admin)
    assert "parent" in refused.value.message_dict


# --- merge and close -------------------------------------------------------------------------------


def test_merge_moves_members_and_child_units_and_keeps_history(tree: Tree, people: People) -> None:
    members = MemberFactory.create_batch(3, branch=tree.branch)
    leaving = MemberFactory(branch=tree.branch, status=Member.Status.TRANSFERRED_OUT)
    secretary = Position.objects.get(unit=tree.branch, kind=Position.Kind.SECRETARY)

    services.org_unit_merge(
        source=tree.branch, target=tree.branch2, on_date=date(2026, 3, 1), acting_user=people.college_admin
    )

    assert Member.objects.filter(branch=tree.branch).count() == 0
    assert Member.objects.filter(pk__in=[m.pk for m in [*members, leaving]], branch=tree.branch2).count() == 4
    group = _fresh(tree.group)
    assert group.parent_id == tree.branch2.pk and group.path == f"{tree.branch2.path}{group.pk}."
    source = _fresh(tree.branch)
    assert source.closed_on == date(2026, 3, 1)
    assert Position.objects.get(pk=secretary.pk).ended_on == date(2026, 3, 1)
    assert OrgUnitChange.objects.get(unit=tree.branch, kind="merged").after["merged_into"] == tree.branch2.pk
    assert OrgUnitChange.objects.get(unit=tree.branch2, kind="merged").after["merged_from"] == tree.branch.pk
    # each moved member's record says where they went
    assert MemberChange.objects.filter(member=members[0], kind="branch_merged").get().changes == {
        "branch": [tree.branch.name, tree.branch2.name]
    }
    assert AuditEvent.objects.filter(event=org_events.ORG_UNIT_CHANGED, detail__change="merged").count() == 2


def test_merge_refuses_units_of_different_levels(tree: Tree, people: People) -> None:
    with pytest.raises(ValidationError):
        services.org_unit_merge(source=tree.branch, target=tree.college2, acting_user=people.admin)
    assert _fresh(tree.branch).closed_on is None


def test_merge_into_itself_is_refused(tree: Tree, people: People) -> None:
    with pytest.raises(ValidationError):
        services.org_unit_merge(source=tree.branch, target=tree.branch, acting_user=people.admin)


def test_close_refuses_a_unit_with_members_on_its_roll(tree: Tree, people: People) -> None:
    MemberFactory(branch=tree.branch2)
    with pytest.raises(ValidationError):
        services.org_unit_close(unit=tree.branch2, acting_user=people.admin)
    assert _fresh(tree.branch2).closed_on is None


def test_close_refuses_a_unit_with_open_units_below_it(tree: Tree, people: People) -> None:
    with pytest.raises(ValidationError):
        services.org_unit_close(unit=tree.college2, acting_user=people.admin)


def test_close_ignores_members_who_left_and_keeps_history(tree: Tree, people: People) -> None:
    MemberFactory(branch=tree.other_branch, status=Member.Status.TRANSFERRED_OUT)
    services.org_unit_close(unit=tree.other_branch, on_date=date(2026, 2, 1), acting_user=people.admin)
    services.org_unit_close(unit=tree.college2, acting_user=people.admin)
    assert _fresh(tree.other_branch).closed_on == date(2026, 2, 1)
    assert OrgUnitChange.objects.filter(unit=tree.other_branch, kind="closed").exists()
    with pytest.raises(ValidationError):  # closed is closed
        services.org_unit_rename(unit=tree.other_branch, name="x", acting_user=people.admin)


# --- positions, terms, grants ----------------------------------------------------------------------


def test_one_secretary_at_a_time_and_only_members_of_the_unit(tree: Tree, people: People) -> None:
    newcomer = MemberFactory(branch=tree.branch)
    with pytest.raises(ValidationError):  # the branch has a secretary
        offices.position_assign(
            member=newcomer,
            unit=tree.branch,
            kind=Position.Kind.SECRETARY,
            started_on=date(2026, 1, 1),
            acting_user=people.college_admin,
        )
    outsider = MemberFactory(branch=tree.other_branch)
    with pytest.raises(ValidationError):
        offices.position_assign(
            member=outsider,
            unit=tree.branch,
            kind=Position.Kind.ORGANIZATION,
            started_on=date(2026, 1, 1),
            acting_user=people.college_admin,
        )
    position = offices.position_assign(
        member=newcomer,
        unit=tree.branch,
        kind=Position.Kind.ORGANIZATION,
        started_on=date(2026, 1, 1),
        acting_user=people.college_admin,
    )
    offices.position_end(position=position, ended_on=date(2026, 6, 30), acting_user=people.college_admin)
    assert Position.objects.get(pk=position.pk).ended_on == date(2026, 6, 30)
    kinds = list(OrgUnitChange.objects.filter(unit=tree.branch).values_list("kind", flat=True))
    assert "position_assigned" in kinds and "position_ended" in kinds


def test_a_party_group_has_a_leader_and_nothing_else(tree: Tree, people: People) -> None:
    member = MemberFactory(branch=tree.branch)  # a group's members are its branch's
    with pytest.raises(ValidationError):
        offices.position_assign(
            member=member,
            unit=tree.group,
            kind=Position.Kind.SECRETARY,
            started_on=date(2026, 1, 1),
            acting_user=people.secretary,
        )
    leader = offices.position_assign(
        member=member,
        unit=tree.group,
        kind=Position.Kind.GROUP_LEADER,
        started_on=date(2026, 1, 1),
        acting_user=people.secretary,
    )
    assert leader.unit_id == tree.group.pk


@pytest.mark.parametrize(("unit_name", "years"), [("branch", 3), ("college", 5), ("committee", 5)])
def test_term_lasts_the_default_number_of_years(tree: Tree, people: People, unit_name: str, years: int) -> None:
    term = offices.term_set(unit=getattr(tree, unit_name), started_on=date(2025, 9, 1), acting_user=people.admin)
    assert term.ends_on == date(2025 + years, 9, 1)
    assert offices.TERM_YEARS[getattr(tree, unit_name).kind] == years


def test_term_with_the_same_start_corrects_the_latest_one(tree: Tree, people: People) -> None:
    offices.term_set(unit=tree.branch, started_on=date(2024, 2, 29), acting_user=people.admin)
    assert Term.objects.get(unit=tree.branch).ends_on == date(2027, 2, 28)  # no 29 February in 2027
    offices.term_set(
        unit=tree.branch, started_on=date(2024, 2, 29), ends_on=date(2027, 3, 15), acting_user=people.admin
    )
    assert list(Term.objects.filter(unit=tree.branch).values_list("ends_on", flat=True)) == [date(2027, 3, 15)]
    offices.term_set(unit=tree.branch, started_on=date(2027, 3, 16), acting_user=people.admin)
    assert Term.objects.filter(unit=tree.branch).count() == 2


def test_a_party_group_has_no_term(tree: Tree, people: People) -> None:
    with pytest.raises(ValidationError):
        offices.term_set(unit=tree.group, started_on=date(2025, 9, 1), acting_user=people.admin)


def test_an_institution_admin_grant_sits_on_the_committee_and_opens_everything(
    in_a: Institution, tree: Tree, people: People
) -> None:
    from tests.conftest import make_user

    staff = make_user(in_a, username="org_office")
    with pytest.raises(ValidationError):
        grants.grant_add(
            user=staff, unit=tree.college, role=AdminGrant.Role.INSTITUTION_ADMIN, acting_user=people.admin
        )
    grant = grants.grant_add(
        user=staff, unit=tree.committee, role=AdminGrant.Role.INSTITUTION_ADMIN, acting_user=people.admin
    )
    assert scope_for(staff).everything
    with pytest.raises(PermissionDenied):  # a college admin cannot hand out the whole institution
        grants.grant_add(
            user=staff, unit=tree.committee, role=AdminGrant.Role.UNIT_ADMIN, acting_user=people.college_admin
        )
    grants.grant_revoke(grant=grant, acting_user=people.admin)
    assert not scope_for(staff).everything
    assert OrgUnitChange.objects.filter(unit=tree.committee, kind="grant_revoked").exists()


# --- scope -----------------------------------------------------------------------------------------


def test_a_branch_secretary_cannot_restructure_their_own_branch(tree: Tree, people: People) -> None:
    for attempt in (
        lambda: services.org_unit_rename(unit=tree.branch, name="改名", acting_user=people.secretary),
        lambda: services.org_unit_move(unit=tree.branch, new_parent=tree.college2, acting_user=people.secretary),
        lambda: services.org_unit_close(unit=tree.branch, acting_user=people.secretary),
        lambda: offices.term_set(unit=tree.branch, started_on=date(2025, 1, 1), acting_user=people.secretary),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    # …but runs what is below it: a new party group, its renaming
    group = services.org_unit_create(
        name="第二党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=tree.branch, acting_user=people.secretary
    )
    services.org_unit_rename(unit=group, name="第二党小组（教学）", acting_user=people.secretary)


def test_a_college_admin_cannot_move_a_branch_out_of_their_college(tree: Tree, people: People) -> None:
    with pytest.raises(PermissionDenied):
        services.org_unit_move(unit=tree.branch, new_parent=tree.college2, acting_user=people.college_admin)
    with pytest.raises(PermissionDenied):
        services.org_unit_rename(unit=tree.other_branch, name="改名", acting_user=people.college_admin)
    with pytest.raises(PermissionDenied):  # the college itself is the committee's to change
        services.org_unit_rename(unit=tree.college, name="改名", acting_user=people.college_admin)
    with pytest.raises(PermissionDenied):
        services.org_unit_merge(source=tree.branch, target=tree.other_branch, acting_user=people.college_admin)
    assert _fresh(tree.branch).parent_id == tree.college.pk


def test_a_plain_member_changes_nothing(tree: Tree, people: People) -> None:
    with pytest.raises(PermissionDenied):
        services.org_unit_create(name="x", kind=OrgUnit.Kind.PARTY_GROUP, parent=tree.branch, acting_user=people.member)
    member = Member.objects.get(user=people.member)
    with pytest.raises(PermissionDenied):
        offices.position_assign(
            member=member,
            unit=tree.branch,
            kind=Position.Kind.ORGANIZATION,
            started_on=date(2026, 1, 1),
            acting_user=people.member,
        )
    assert not OrgUnitChange.objects.filter(unit=tree.branch).exclude(kind="created").exists()
