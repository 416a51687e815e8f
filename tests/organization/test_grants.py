"""Administrative grants given in the product: the services' refusals, the days a grant is in
force, the next request seeing a grant or its revocation, the org tree page and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from services.audit.models import AuditEvent
from services.organization import audit_events as org_events
from services.organization import grants
from services.organization.models import AdminGrant, OrgUnitChange
from services.organization.scope import scope_for
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.factories import MemberFactory
from tests.organization.conftest import People, Tree


def _today() -> date:
    return timezone.localdate()


def test_only_an_institution_admin_grants_and_each_grant_is_audited(
    in_a: Institution, tree: Tree, people: People
) -> None:
    staff = make_user(in_a, username="college_office")
    with pytest.raises(PermissionDenied):  # a college admin does not hand out colleges
        grants.grant_add(
            user=staff, unit=tree.college2, role=AdminGrant.Role.UNIT_ADMIN, acting_user=people.college_admin
        )
    grant = grants.grant_add(user=staff, unit=tree.college2, role=AdminGrant.Role.UNIT_ADMIN, acting_user=people.admin)
    assert grant.granted_by == people.admin and grant.starts_on == _today() and grant.ends_on is None
    row = AuditEvent.objects.get(event=org_events.GRANT_ADDED.code, object_id=str(grant.pk))
    assert row.actor_username == "org_admin" and row.after["username"] == "college_office"
    assert OrgUnitChange.objects.filter(unit=tree.college2, kind="grant_added").exists()
    grants.grant_revoke(grant=grant, acting_user=people.admin)
    assert AuditEvent.objects.filter(event=org_events.GRANT_REVOKED.code, object_id=str(grant.pk)).exists()
    assert AdminGrant.objects.get(pk=grant.pk).revoked_by == people.admin


@pytest.mark.parametrize(
    ("role", "unit_name", "message"),
    [
        (AdminGrant.Role.INSTITUTION_ADMIN, "college", "学校管理员只能授予在校党委"),
        (AdminGrant.Role.UNIT_ADMIN, "committee", "院系管理员只能授予在"),
        (AdminGrant.Role.UNIT_ADMIN, "group", "院系管理员只能授予在"),
    ],
)
def test_a_role_goes_only_on_its_kind_of_unit(
    in_a: Institution, tree: Tree, people: People, role: str, unit_name: str, message: str
) -> None:
    staff = make_user(in_a, username="office")
    with pytest.raises(ValidationError) as refused:
        grants.grant_add(user=staff, unit=getattr(tree, unit_name), role=role, acting_user=people.admin)
    assert message in str(refused.value)


def test_duplicates_backwards_dates_and_disabled_accounts_are_refused_in_chinese(
    in_a: Institution, tree: Tree, people: People
) -> None:
    staff = make_user(in_a, username="office")
    grants.grant_add(user=staff, unit=tree.college2, role=AdminGrant.Role.UNIT_ADMIN, acting_user=people.admin)
    with pytest.raises(ValidationError, match="已有此授权"):
        grants.grant_add(user=staff, unit=tree.college2, role=AdminGrant.Role.UNIT_ADMIN, acting_user=people.admin)
    with pytest.raises(ValidationError, match="截止日期不能早于生效日期"):
        grants.grant_add(
            user=staff,
            unit=tree.college,
            role=AdminGrant.Role.UNIT_ADMIN,
            starts_on=_today() + timedelta(days=5),
            ends_on=_today() + timedelta(days=1),
            acting_user=people.admin,
        )
    disabled = make_user(in_a, username="gone", is_active=False)
    with pytest.raises(ValidationError, match="已停用"):
        grants.grant_add(user=disabled, unit=tree.college, role=AdminGrant.Role.UNIT_ADMIN, acting_user=people.admin)


def test_a_grant_counts_only_on_the_days_it_is_in_force(in_a: Institution, tree: Tree, people: People) -> None:
    staff = make_user(in_a, username="office")
    later = grants.grant_add(
        user=staff,
        unit=tree.college2,
        role=AdminGrant.Role.UNIT_ADMIN,
        starts_on=_today() + timedelta(days=10),
        ends_on=_today() + timedelta(days=20),
        acting_user=people.admin,
    )
    assert not scope_for(staff).covers_unit(tree.other_branch)
    assert scope_for(staff, on=later.starts_on).covers_unit(tree.other_branch)
    assert not scope_for(staff, on=later.ends_on + timedelta(days=1)).covers_unit(tree.other_branch)  # expired


def test_an_admin_cannot_revoke_their_own_last_institution_admin_grant(
    in_a: Institution, tree: Tree, people: People
) -> None:
    chief = make_user(in_a, username="chief")
    own = grants.grant_add(
        user=chief, unit=tree.committee, role=AdminGrant.Role.INSTITUTION_ADMIN, acting_user=people.admin
    )
    with pytest.raises(ValidationError, match="唯一的学校管理员授权"):
        grants.grant_revoke(grant=own, acting_user=chief)
    other = make_user(in_a, username="deputy_chief")
    theirs = grants.grant_add(
        user=other, unit=tree.committee, role=AdminGrant.Role.INSTITUTION_ADMIN, acting_user=chief
    )
    grants.grant_revoke(grant=theirs, acting_user=chief)  # someone else's: allowed
    grants.grant_revoke(grant=own, acting_user=people.admin)  # by another administrator: allowed


def test_the_account_is_found_by_username_name_or_member_number(in_a: Institution, tree: Tree) -> None:
    user = make_user(in_a, username="u2024001", display_name="李明")
    MemberFactory(branch=tree.branch, user=user, name="李明", number="S2024001")
    for text in ("u2024001", "李明", "S2024001"):
        assert grants.account_lookup(text=text) == user
    with pytest.raises(ValidationError, match="找不到"):
        grants.account_lookup(text="nobody")


def test_a_grant_takes_effect_on_the_next_request_and_a_revocation_too(
    in_a: Institution, tree: Tree, people: People
) -> None:
    """An admin grants a college admin through the page, who then sees exactly that college."""
    staff = make_user(in_a, username="college2_office")
    outsider = MemberFactory(branch=tree.branch, name="计算机学院党员")
    insider = MemberFactory(branch=tree.other_branch, name="外语学院党员")
    theirs = client_for(in_a, staff)
    assert theirs.get(reverse("member-list")).json()["count"] == 0
    admin = client_for(in_a, people.admin)
    page = admin.get(reverse("organization:unit", kwargs={"pk": tree.college2.pk})).content.decode()
    assert "管理授权" in page and reverse("organization:grant_add", kwargs={"pk": tree.college2.pk}) in page
    response = admin.post(
        reverse("organization:grant_add", kwargs={"pk": tree.college2.pk}),
        {"account": "college2_office", "role": "unit_admin", "starts_on": _today().isoformat()},
    )
    assert response.status_code == 302
    listed = {row["id"] for row in theirs.get(reverse("member-list")).json()["results"]}
    assert listed == {insider.pk}  # that college, and nothing of the other
    assert outsider.pk not in listed
    with in_schema(in_a):
        grant = AdminGrant.objects.get(user=staff)
    url = reverse("organization:grant_revoke", kwargs={"pk": grant.pk})
    confirm = admin.post(url)
    assert confirm.status_code == 200 and "确认撤销授权" in confirm.content.decode()
    assert theirs.get(reverse("member-list")).json()["count"] == 1  # not yet: only asked to confirm
    assert admin.post(url, {"confirm": "yes"}).status_code == 302
    assert theirs.get(reverse("member-list")).json()["count"] == 0


def test_a_refused_grant_on_the_page_says_why(in_a: Institution, tree: Tree, people: People) -> None:
    admin = client_for(in_a, people.admin)
    response = admin.post(
        reverse("organization:grant_add", kwargs={"pk": tree.college2.pk}),
        {"account": "nobody", "role": "unit_admin", "starts_on": _today().isoformat()},
        follow=True,
    )
    assert "找不到“nobody”的账号" in response.content.decode()


def test_grants_pages_are_for_institution_admins_only(in_a: Institution, tree: Tree, people: People) -> None:
    college_admin = client_for(in_a, people.college_admin)
    assert college_admin.get(reverse("organization:powers")).status_code == 403
    response = college_admin.post(
        reverse("organization:grant_add", kwargs={"pk": tree.branch.pk}),
        {"account": "plain_member", "role": "unit_admin", "starts_on": _today().isoformat()},
    )
    assert response.status_code == 403
    page = college_admin.get(reverse("organization:unit", kwargs={"pk": tree.branch.pk})).content.decode()
    assert "grant_add" not in page and "管理授权" not in page


def test_the_api_lists_gives_and_revokes_grants(in_a: Institution, tree: Tree, people: People) -> None:
    make_user(in_a, username="api_office")
    admin = client_for(in_a, people.admin)
    created = admin.post(
        reverse("admin-grant-list"),
        {"account": "api_office", "unit": tree.college2.pk, "role": "unit_admin"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    grant_id = created.json()["id"]
    again = admin.post(
        reverse("admin-grant-list"),
        {"account": "api_office", "unit": tree.college2.pk, "role": "unit_admin"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "已有此授权" in str(again.json())
    listed = admin.get(reverse("admin-grant-list"), {"unit": tree.college2.pk}).json()
    assert [row["username"] for row in listed] == ["api_office"]
    assert admin.post(reverse("admin-grant-revoke", kwargs={"pk": grant_id})).status_code == 200
    assert admin.get(reverse("admin-grant-list"), {"unit": tree.college2.pk}).json() == []
    refused = client_for(in_a, people.college_admin).get(reverse("admin-grant-list"))
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
