"""The member pages of the portal: my record, the roster, a record with its history, the editor,
audited reveals and status changes, each seen by a branch secretary, a committee member who only
sees, a plain member and the institution's administrator."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.accounts.models import User
from services.audit.models import AuditEvent
from services.members import audit_events as member_events
from services.members.fake_ids import fake_national_id
from services.members.models import Member, MemberChange
from services.organization.models import OrgUnit, Position
from services.organization.services import org_unit_create
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory, UserFactory
from tests.members.helpers import Tree, build_tree, person

PHONE = "13800138000"


def _identity(seed: int, born: date = date(1992, 3, 14), *, male: bool = True) -> dict[str, Any]:
    """Fields that agree with each other (the services cross-check ID, birth date and gender)."""
    number = fake_national_id(random.Random(seed), born, male=male)
    return {"national_id": number, "birth_date": born, "gender": "male" if male else "female"}


@dataclass
class World:
    tree: Tree
    secretary: User  # secretary of branch X
    viewer: User  # propaganda commissioner of branch X: sees, does not manage
    plain: User  # a member of branch X without a position
    admin: User  # the institution's first administrator (superuser)
    mine: Member  # in branch X
    theirs: Member  # in branch Y


@pytest.fixture
def world(inst_a: Institution) -> World:
    with in_schema(inst_a):
        tree = build_tree()
        return World(
            tree=tree,
            secretary=person(tree.branch_x, "sec_x", Position.Kind.SECRETARY, name="书记甲"),
            viewer=person(tree.branch_x, "prop_x", Position.Kind.PROPAGANDA, name="宣传委员乙"),
            plain=person(tree.branch_x, "plain_x", name="普通党员丙", phone=PHONE, **_identity(1)),
            admin=User.objects.get(username="admin"),
            mine=MemberFactory(branch=tree.branch_x, name="王小明", phone="13900139000", **_identity(2)),
            theirs=MemberFactory(branch=tree.branch_y, name="李小红", phone="13700137000", **_identity(3)),
        )


def _page(client: Client, name: str, *args: Any, **query: Any) -> Any:
    return client.get(reverse(name, args=args), query)


def _body(response: Any) -> str:
    return response.content.decode()


# --- my record ----------------------------------------------------------------------------------


def test_a_member_sees_their_own_record_with_id_and_phone_masked(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        own = Member.objects.get(user=world.plain)
    response = _page(client_for(inst_a, world.plain), "members:me")
    body = _body(response)
    assert response.status_code == 200
    assert "普通党员丙" in body and world.tree.branch_x.name in body
    assert own.national_id[:4] + "*" * 10 + own.national_id[-4:] in body
    assert own.national_id not in body
    assert "138****8000" in body and PHONE not in body


def test_an_account_without_a_member_record_gets_a_friendly_message(inst_a: Institution) -> None:
    with in_schema(inst_a):
        user = UserFactory(username="staff_only")
    response = _page(client_for(inst_a, user), "members:me")
    assert response.status_code == 200
    assert "您的账号尚未关联党员档案" in _body(response)


# --- roster -------------------------------------------------------------------------------------


def test_secretary_sees_only_their_branch_in_the_roster(inst_a: Institution, world: World) -> None:
    response = _page(client_for(inst_a, world.secretary), "members:roster")
    body = _body(response)
    assert response.status_code == 200
    assert "王小明" in body and "书记甲" in body
    assert "李小红" not in body
    assert "139****9000" in body and "13900139000" not in body  # masked in the list
    # The branch filter offers only units in the secretary's scope.
    assert world.tree.branch_x.name in body and world.tree.branch_y.name not in body


def test_secretary_cannot_widen_the_roster_with_another_branch_filter(inst_a: Institution, world: World) -> None:
    response = _page(client_for(inst_a, world.secretary), "members:roster", branch=world.tree.branch_y.pk)
    assert response.status_code == 200
    assert "李小红" not in _body(response)


def test_institution_admin_sees_every_branch_and_can_filter(inst_a: Institution, world: World) -> None:
    admin = client_for(inst_a, world.admin)
    body = _body(_page(admin, "members:roster"))
    assert "王小明" in body and "李小红" in body
    only_y = _body(_page(admin, "members:roster", branch=world.tree.branch_y.pk))
    assert "李小红" in only_y and "王小明" not in only_y
    by_prefix = _body(_page(admin, "members:roster", q="王小"))
    assert "王小明" in by_prefix and "李小红" not in by_prefix
    with in_schema(inst_a):
        Member.objects.filter(pk=world.theirs.pk).update(status=Member.Status.ABROAD)
    abroad = _body(_page(admin, "members:roster", status="abroad"))
    assert "李小红" in abroad and "王小明" not in abroad


def test_a_plain_member_is_refused_the_roster(inst_a: Institution, world: World) -> None:
    response = _page(client_for(inst_a, world.plain), "members:roster")
    assert response.status_code == 403
    assert "王小明" not in _body(response)


def test_a_committee_member_who_only_sees_may_read_the_roster(inst_a: Institution, world: World) -> None:
    body = _body(_page(client_for(inst_a, world.viewer), "members:roster"))
    assert "王小明" in body and "李小红" not in body
    assert reverse("members:create") not in body  # no "new record" button without manage rights


def test_the_roster_costs_the_same_queries_for_10_and_50_rows(
    inst_a: Institution, world: World, django_assert_max_num_queries: Any
) -> None:
    with in_schema(inst_a):
        ten_branch = OrgUnit.objects.get(pk=world.tree.branch_z.pk)
        fifty_branch = org_unit_create(name="W支部", kind=OrgUnit.Kind.BRANCH, parent=world.tree.other_college)
        MemberFactory.create_batch(10, branch=ten_branch, phone=PHONE)
        MemberFactory.create_batch(50, branch=fifty_branch, phone=PHONE)
    client = client_for(inst_a, world.admin)
    url = reverse("members:roster")
    # A first request warms the host route cache and selects the schema, as any earlier page would.
    client.get(url)
    with CaptureQueriesContext(connection) as ten:
        assert _body(client.get(url, {"branch": ten_branch.pk})).count("138****8000") == 10
    with django_assert_max_num_queries(len(ten)):
        assert _body(client.get(url, {"branch": fifty_branch.pk})).count("138****8000") == 50


def test_the_roster_shows_fifty_a_page(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        MemberFactory.create_batch(51, branch=OrgUnit.objects.get(pk=world.tree.branch_z.pk), phone=PHONE)
    client = client_for(inst_a, world.admin)
    first = _body(_page(client, "members:roster", branch=world.tree.branch_z.pk))
    second = _body(_page(client, "members:roster", branch=world.tree.branch_z.pk, page=2))
    assert first.count("138****8000") == 50 and second.count("138****8000") == 1
    assert f"branch={world.tree.branch_z.pk}&amp;page=2" in first  # the filter survives paging


# --- a record and its history ---------------------------------------------------------------------


def test_secretary_cannot_open_edit_reveal_or_change_another_branch_member(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.secretary)
    pk = world.theirs.pk
    assert _page(client, "members:detail", pk).status_code == 404
    assert _page(client, "members:edit", pk).status_code == 404
    edit = client.post(reverse("members:edit", args=[pk]), {"name": "改名", "reason": "试探"})
    reveal = client.post(reverse("members:reveal", args=[pk]), {"field": "national_id", "reason": "试探"})
    status = client.post(
        reverse("members:status", args=[pk]),
        {"to_status": "stopped", "on_date": "2026-05-01", "reason": "试探", "confirmed": "1"},
    )
    assert (edit.status_code, reveal.status_code, status.status_code) == (404, 404, 404)
    assert world.theirs.national_id not in _body(reveal)
    with in_schema(inst_a):
        unchanged = Member.objects.get(pk=pk)
        assert (unchanged.name, unchanged.status) == ("李小红", Member.Status.NORMAL)
        assert not AuditEvent.objects.filter(object_id=str(pk), event=member_events.SENSITIVE_REVEALED).exists()


def test_secretary_sees_the_history_of_their_members(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.secretary)
    saved = client.post(reverse("members:edit", args=[world.mine.pk]), _edit_form(world.mine, name="王晓明"))
    assert saved.status_code == 302
    body = _body(_page(client, "members:detail", world.mine.pk))
    assert "变更记录" in body
    assert "王小明 → 王晓明" in body and "更正姓名" in body and "sec_x" in body


def test_a_retained_graduates_record_shows_when_retention_began_or_that_it_is_not_recorded(
    inst_a: Institution, world: World
) -> None:
    client = client_for(inst_a, world.secretary)
    with in_schema(inst_a):
        Member.objects.filter(pk=world.mine.pk).update(status=Member.Status.RETAINED)  # as an import sets it
    assert "未登记（请在导入名册时补登）" in _body(_page(client, "members:detail", world.mine.pk))
    saved = client.post(
        reverse("members:status", args=[world.mine.pk]),
        {"to_status": "normal", "on_date": "2026-01-05", "reason": "返校工作"},
    )
    assert saved.status_code == 302
    saved = client.post(
        reverse("members:status", args=[world.mine.pk]),
        {"to_status": "retained", "on_date": "2026-07-01", "reason": "毕业"},
    )
    assert saved.status_code == 302
    body = _body(_page(client, "members:detail", world.mine.pk))
    assert "保留组织关系起始日期</dt><dd>2026-07-01</dd>" in body and "未登记" not in body


def test_a_manager_reaches_the_transfer_forms_from_the_record(inst_a: Institution, world: World) -> None:
    pick = reverse("transfers:pick")
    assert pick in _body(_page(client_for(inst_a, world.secretary), "members:detail", world.mine.pk))
    assert pick not in _body(_page(client_for(inst_a, world.viewer), "members:detail", world.mine.pk))


def test_a_committee_member_who_only_sees_gets_no_history_and_cannot_reveal(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.viewer)
    detail = _page(client, "members:detail", world.mine.pk)
    assert detail.status_code == 200 and "王小明" in _body(detail)
    assert "变更记录" not in _body(detail)
    assert reverse("members:reveal", args=[world.mine.pk]) not in _body(detail)
    reveal = client.post(reverse("members:reveal", args=[world.mine.pk]), {"field": "phone", "reason": "好奇"})
    assert reveal.status_code == 403
    assert _page(client, "members:edit", world.mine.pk).status_code == 403


# --- reveal -------------------------------------------------------------------------------------


def test_reveal_shows_the_value_once_and_audits_the_reason(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.secretary)
    url = reverse("members:reveal", args=[world.mine.pk])
    response = client.post(url, {"field": "national_id", "reason": "办理组织关系转接"})
    assert response.status_code == 200
    assert world.mine.national_id in _body(response)
    assert "no-store" in response.headers["Cache-Control"]
    with in_schema(inst_a):
        event = AuditEvent.objects.get(event=member_events.SENSITIVE_REVEALED, object_id=str(world.mine.pk))
    assert event.detail == {"field": "national_id", "reason": "办理组织关系转接"}
    assert event.actor_username == "sec_x"
    # The record page itself stays masked.
    assert world.mine.national_id not in _body(_page(client, "members:detail", world.mine.pk))


def test_reveal_refuses_an_empty_reason(inst_a: Institution, world: World) -> None:
    response = client_for(inst_a, world.secretary).post(
        reverse("members:reveal", args=[world.mine.pk]), {"field": "phone", "reason": "  "}
    )
    assert response.status_code == 200
    assert "请填写事由" in _body(response)
    assert "13900139000" not in _body(response)
    with in_schema(inst_a):
        assert not AuditEvent.objects.filter(event=member_events.SENSITIVE_REVEALED).exists()


# --- editor -------------------------------------------------------------------------------------


def _create_form(branch: OrgUnit, **overrides: Any) -> dict[str, Any]:
    identity = _identity(11, date(1998, 6, 30), male=False)
    return {
        "name": "新党员",
        "ethnicity": "汉族",
        "national_id": identity["national_id"],
        "phone": "139 0000 1111",
        "category": Member.Category.STUDENT,
        "number": "2024001",
        "branch": branch.pk,
        "joined_on": "2025-06-01",
        **overrides,
    }


def _edit_form(member: Member, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": member.name,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat(),
        "national_id": "",
        "phone": "",
        "native_place": member.native_place,
        "education": member.education,
        "degree": member.degree,
        "category": member.category,
        "number": member.number,
        "branch": member.branch_id,
        "joined_on": member.joined_on.isoformat() if member.joined_on else "",
        "confirmed_on": member.confirmed_on.isoformat() if member.confirmed_on else "",
        "reason": "更正姓名",
    }
    return {**data, **overrides}


def test_secretary_creates_a_record_whose_birth_date_and_gender_come_from_the_id(
    inst_a: Institution, world: World
) -> None:
    form = _create_form(world.tree.branch_x)
    response = client_for(inst_a, world.secretary).post(reverse("members:create"), form)
    assert response.status_code == 302
    with in_schema(inst_a):
        member = Member.objects.get(name="新党员")
        assert (member.birth_date, member.gender) == (date(1998, 6, 30), "female")
        assert member.phone == "13900001111" and member.branch_id == world.tree.branch_x.pk
        assert MemberChange.objects.filter(member=member, kind="created", actor_username="sec_x").exists()
    assert response.url == reverse("members:detail", args=[member.pk])


def test_the_editor_shows_the_check_digit_error_in_chinese(inst_a: Institution, world: World) -> None:
    form = _create_form(world.tree.branch_x)
    number = form["national_id"]
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = client_for(inst_a, world.secretary).post(reverse("members:create"), {**form, "national_id": wrong})
    assert response.status_code == 200
    assert "身份证号校验位不正确，请核对。" in _body(response)
    with in_schema(inst_a):
        assert not Member.objects.filter(name="新党员").exists()


def test_the_editor_shows_an_identity_mismatch_next_to_the_id(inst_a: Institution, world: World) -> None:
    form = _create_form(world.tree.branch_x, birth_date="1998-07-01")
    body = _body(client_for(inst_a, world.secretary).post(reverse("members:create"), form))
    assert "出生日期与身份证号不一致" in body


def test_secretary_cannot_create_a_record_in_another_branch(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.secretary)
    assert f'value="{world.tree.branch_y.pk}"' not in _body(_page(client, "members:create"))
    response = client.post(reverse("members:create"), _create_form(world.tree.branch_y))
    assert response.status_code == 200
    with in_schema(inst_a):
        assert not Member.objects.filter(name="新党员").exists()


def test_a_plain_member_cannot_open_the_editor(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.plain)
    assert _page(client, "members:create").status_code == 403
    with in_schema(inst_a):
        own = Member.objects.get(user=world.plain)
    assert _page(client, "members:edit", own.pk).status_code == 403


def test_editing_asks_for_a_reason_and_keeps_it_in_the_history(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.secretary)
    url = reverse("members:edit", args=[world.mine.pk])
    refused = client.post(url, _edit_form(world.mine, phone="13511112222", reason=""))
    assert refused.status_code == 200 and "errorlist" in _body(refused)
    saved = client.post(url, _edit_form(world.mine, phone="13511112222", reason="本人更换手机号"))
    assert saved.status_code == 302
    with in_schema(inst_a):
        member = Member.objects.get(pk=world.mine.pk)
        change = MemberChange.objects.get(member=member, kind="updated")
    assert member.phone == "13511112222"
    assert member.national_id == world.mine.national_id  # blank kept the stored number
    assert change.reason == "本人更换手机号" and change.changes == {"phone": ["139****9000", "135****2222"]}


def test_the_edit_page_never_shows_the_full_id_or_phone(inst_a: Institution, world: World) -> None:
    body = _body(_page(client_for(inst_a, world.secretary), "members:edit", world.mine.pk))
    assert world.mine.national_id not in body and "13900139000" not in body
    assert "139****9000" in body


# --- status -------------------------------------------------------------------------------------


def _status(client: Client, member: Member, to_status: str, **extra: str) -> Any:
    data = {"to_status": to_status, "on_date": "2026-05-01", "reason": "支部大会决定", **extra}
    return client.post(reverse("members:status", args=[member.pk]), data)


def test_status_change_follows_the_state_machine(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        Member.objects.filter(pk=world.mine.pk).update(status=Member.Status.DECEASED)
    response = _status(client_for(inst_a, world.secretary), world.mine, Member.Status.NORMAL)
    assert response.status_code == 200
    assert "不能从“已故”变更为“正式党员”。" in _body(response)
    with in_schema(inst_a):
        assert Member.objects.get(pk=world.mine.pk).status == Member.Status.DECEASED
        assert not MemberChange.objects.filter(member_id=world.mine.pk, kind="status").exists()


def test_a_non_terminal_status_change_applies_at_once(inst_a: Institution, world: World) -> None:
    response = _status(client_for(inst_a, world.secretary), world.mine, Member.Status.MOBILE)
    assert response.status_code == 302
    with in_schema(inst_a):
        assert Member.objects.get(pk=world.mine.pk).status == Member.Status.MOBILE
        change = MemberChange.objects.get(member_id=world.mine.pk, kind="status")
    assert change.reason == "支部大会决定" and change.changes["effective_on"] == [None, "2026-05-01"]


def test_a_terminal_status_is_confirmed_before_it_is_set(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.secretary)
    asked = _status(client, world.mine, Member.Status.STOPPED)
    assert asked.status_code == 200 and "确认变更党籍状态" in _body(asked)
    with in_schema(inst_a):
        assert Member.objects.get(pk=world.mine.pk).status == Member.Status.NORMAL
    confirmed = _status(client, world.mine, Member.Status.STOPPED, confirmed="1")
    assert confirmed.status_code == 302
    with in_schema(inst_a):
        assert Member.objects.get(pk=world.mine.pk).status == Member.Status.STOPPED


def test_status_change_needs_a_reason(inst_a: Institution, world: World) -> None:
    response = _status(client_for(inst_a, world.secretary), world.mine, Member.Status.STOPPED, reason=" ")
    assert response.status_code == 200 and "请填写变更原因" in _body(response)
    with in_schema(inst_a):
        assert Member.objects.get(pk=world.mine.pk).status == Member.Status.NORMAL
