from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from services.members.selectors import member_list
from services.organization.models import AdminGrant, Position
from services.organization.scope import require_manage, scope_for
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory, UserFactory
from tests.members.helpers import build_tree, person, unit_admin


def _names(user: object) -> set[str]:
    return set(member_list(acting_user=user).values_list("name", flat=True))


def test_secretary_sees_only_their_branch_and_themselves(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec", Position.Kind.SECRETARY, name="书记甲")
        MemberFactory(branch=tree.branch_x, name="X党员")
        MemberFactory(branch=tree.branch_y, name="Y党员")
        assert _names(secretary) == {"书记甲", "X党员"}


def test_second_level_admin_sees_the_college_subtree_only(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        admin = unit_admin(tree.college, "college_admin")
        MemberFactory(branch=tree.branch_x, name="X党员")
        MemberFactory(branch=tree.branch_y, name="Y党员")
        MemberFactory(branch=tree.branch_z, name="Z党员")
        assert _names(admin) == {"X党员", "Y党员"}


def test_institution_admin_grant_on_the_committee_sees_everything(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        user = UserFactory(username="org_dept")
        AdminGrant.objects.create(user=user, unit=tree.committee, role=AdminGrant.Role.INSTITUTION_ADMIN)
        MemberFactory(branch=tree.branch_z, name="Z党员")
        assert scope_for(user).everything
        assert "Z党员" in _names(user)


def test_plain_member_sees_only_their_own_record(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        member = person(tree.branch_x, "m", name="普通党员")
        MemberFactory(branch=tree.branch_x, name="同支部党员")
        assert _names(member) == {"普通党员"}
        assert not scope_for(member).is_manager


def test_an_ended_position_grants_nothing(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        former = person(tree.branch_x, "former", Position.Kind.SECRETARY, name="前书记")
        Position.objects.filter(member__user=former).update(ended_on=date.today() - timedelta(days=1))
        MemberFactory(branch=tree.branch_x, name="X党员")
        assert _names(former) == {"前书记"}


def test_propaganda_commissioner_sees_but_does_not_manage(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        user = person(tree.branch_x, "prop", Position.Kind.PROPAGANDA)
        scope = scope_for(user)
        assert scope.covers_unit(tree.branch_x)
        assert not scope.covers_unit(tree.branch_x, manage=True)


def test_a_revoked_grant_grants_nothing(inst_a: Institution) -> None:
    from django.utils import timezone

    with in_schema(inst_a):
        tree = build_tree()
        admin = unit_admin(tree.college, "gone")
        AdminGrant.objects.filter(user=admin).update(revoked_at=timezone.now())
        MemberFactory(branch=tree.branch_x)
        assert _names(admin) == set()


def test_scope_filter_is_one_prefix_per_outermost_unit(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        admin = unit_admin(tree.college, "nested")
        AdminGrant.objects.create(user=admin, unit=tree.branch_x, role=AdminGrant.Role.UNIT_ADMIN)
        sql = str(member_list(acting_user=admin).query)
        assert sql.count("LIKE") == 1  # branch X lies inside the college: one prefix is enough


def test_require_manage_refuses_outside_the_managed_subtree_naming_the_unit(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        message = "您无权管理“%(unit)s”的党员。"
        require_manage(acting_user=secretary, unit=tree.branch_x, message=message)
        require_manage(acting_user=None, unit=tree.branch_y, message=message)  # the system itself
        with pytest.raises(PermissionDenied) as refused:
            require_manage(acting_user=secretary, unit=tree.branch_y, message=message)
        assert str(refused.value) == f"您无权管理“{tree.branch_y.name}”的党员。"
        seeing = person(tree.branch_y, "prop", Position.Kind.PROPAGANDA)  # sees branch Y, manages nothing
        with pytest.raises(PermissionDenied):
            require_manage(acting_user=seeing, unit=tree.branch_y, message=message)


def test_a_page_computes_the_users_scope_once(inst_a: Institution) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import client_for

    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec_once", Position.Kind.SECRETARY)
    client = client_for(inst_a, secretary)
    for path in ("/members/", "/development/", "/transfers/"):  # navigation, view and selectors all ask
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        grants = [q for q in queries.captured_queries if "organization_admingrant" in q["sql"]]
        assert len(grants) == 1, path


def test_a_remembered_scope_is_forgotten_when_positions_or_paths_change(inst_a: Institution) -> None:
    from services.organization.scope import scopes_cached
    from services.organization.services import org_unit_move

    with in_schema(inst_a), scopes_cached():
        tree = build_tree()
        user = person(tree.branch_x, "changing")
        assert not scope_for(user).is_manager
        Position.objects.create(
            member=user.member, unit=tree.branch_x, kind=Position.Kind.SECRETARY, started_on=date.today()
        )
        assert scope_for(user).covers_unit(tree.branch_x, manage=True)  # the new position counts at once
        org_unit_move(unit=tree.branch_x, new_parent=tree.other_college, acting_user=None)
        tree.branch_x.refresh_from_db()
        assert scope_for(user).managed_paths == frozenset({tree.branch_x.path})  # the moved path, not the old one
