from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from services.accounts.models import User
from services.accounts.services import api_token_create
from services.members.models import Member
from services.organization.models import Position
from tenants.models import Institution
from tests.conftest import host_of, in_schema
from tests.factories import MemberFactory
from tests.members.helpers import build_tree, person


def _api(institution: Institution, user: User) -> Client:
    with in_schema(institution):
        _, raw = api_token_create(user=user, name="t")
    return Client(HTTP_HOST=host_of(institution), HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def secretary_setup(inst_a: Institution):  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec", Position.Kind.SECRETARY, name="书记")
        mine = MemberFactory(branch=tree.branch_x, name="王小明", phone="13800138000")
        theirs = MemberFactory(branch=tree.branch_y, name="李小红")
    return SimpleNamespace(tree=tree, secretary=secretary, mine=mine, theirs=theirs)


def test_list_is_scoped_and_masked(inst_a: Institution, secretary_setup) -> None:  # type: ignore[no-untyped-def]
    setup = secretary_setup
    body = _api(inst_a, setup.secretary).get("/api/members/").json()
    names = {row["name"] for row in body["results"]}
    assert names == {"书记", "王小明"}
    row = next(r for r in body["results"] if r["name"] == "王小明")
    assert row["phone"] == "138****8000"
    assert row["national_id"] == setup.mine.national_id[:4] + "*" * 10 + setup.mine.national_id[-4:]


def test_filters_by_branch_subtree_name_prefix_and_status(inst_a: Institution, secretary_setup) -> None:  # type: ignore[no-untyped-def]
    setup = secretary_setup
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
    api = _api(inst_a, admin)
    assert {r["name"] for r in api.get(f"/api/members/?branch={setup.tree.college.pk}").json()["results"]} >= {
        "王小明",
        "李小红",
    }
    assert [r["name"] for r in api.get("/api/members/?q=王小").json()["results"]] == ["王小明"]
    assert api.get("/api/members/?status=deceased").json()["count"] == 0


def test_secretary_cannot_fetch_change_or_reveal_another_branch_member(
    inst_a: Institution,
    secretary_setup,  # type: ignore[no-untyped-def]
) -> None:
    setup = secretary_setup
    api = _api(inst_a, setup.secretary)
    assert api.get(f"/api/members/{setup.theirs.pk}/").status_code == 404
    assert (
        api.patch(f"/api/members/{setup.theirs.pk}/", {"name": "x"}, content_type="application/json").status_code == 404
    )
    assert (
        api.post(
            f"/api/members/{setup.theirs.pk}/reveal/",
            {"field": "phone", "reason": "r"},
            content_type="application/json",
        ).status_code
        == 404
    )
    created = api.post(
        "/api/members/",
        {"name": "新人", "national_id": "11010519491231002X", "category": "staff", "branch": setup.tree.branch_y.pk},
        content_type="application/json",
    )
    assert created.status_code == 403
    # The service's refusal reaches the client as it was worded (the API's exception handler).
    assert created.json() == {"detail": f"您无权管理“{setup.tree.branch_y.name}”的党员。", "code": "permission_denied"}
    with in_schema(inst_a):
        assert not Member.objects.filter(name="新人").exists()


def test_create_update_status_reveal_and_history_through_the_api(
    inst_a: Institution,
    secretary_setup,  # type: ignore[no-untyped-def]
) -> None:
    setup = secretary_setup
    api = _api(inst_a, setup.secretary)
    bad = api.post(
        "/api/members/",
        {"name": "新人", "national_id": "110105194912310021", "category": "staff", "branch": setup.tree.branch_x.pk},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "校验位" in bad.json()["national_id"][0]
    created = api.post(
        "/api/members/",
        {"name": "新人", "national_id": "11010519491231002X", "category": "staff", "branch": setup.tree.branch_x.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (
        api.patch(f"/api/members/{pk}/", {"name": "新人甲", "reason": "更名"}, content_type="application/json").json()[
            "name"
        ]
        == "新人甲"
    )
    moved = api.post(
        f"/api/members/{pk}/status/",
        {"status": "mobile", "on_date": "2026-11-01", "reason": "外出务工"},
        content_type="application/json",
    )
    assert moved.json()["status"] == "mobile"
    revealed = api.post(
        f"/api/members/{pk}/reveal/",
        {"field": "national_id", "reason": "核对身份信息"},
        content_type="application/json",
    )
    assert revealed.json() == {"field": "national_id", "value": "11010519491231002X"}
    kinds = [row["kind"] for row in api.get(f"/api/members/{pk}/history/").json()["results"]]
    assert kinds == ["status", "updated", "created"]


def test_list_query_count_does_not_grow_with_the_page(inst_a: Institution, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        tree = build_tree()
        admin = User.objects.get(username="admin")
        for _ in range(60):
            MemberFactory(branch=tree.branch_x)
    api = _api(inst_a, admin)
    api.get("/api/members/?limit=5")  # warm: token lookup and session bookkeeping
    with django_assert_max_num_queries(6) as small:
        api.get("/api/members/?limit=5")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api.get("/api/members/?limit=50").json()["results"]) == 50


def test_a_refused_write_is_audited_as_a_permission_denial(inst_a: Institution, secretary_setup) -> None:  # type: ignore[no-untyped-def]
    from services.accounts import audit_events as account_events
    from services.audit.models import AuditEvent

    setup = secretary_setup
    api = _api(inst_a, setup.secretary)
    api.post(
        "/api/members/",
        {"name": "越权", "national_id": "11010519491231002X", "category": "staff", "branch": setup.tree.branch_y.pk},
        content_type="application/json",
    )
    with in_schema(inst_a):
        event = AuditEvent.objects.get(event=account_events.PERMISSION_DENIED, actor_username="sec")
    assert event.detail["path"] == "/api/members/" and "Y支部" in event.detail["reason"]


def test_detail_carries_the_multi_row_sets_of_the_record(inst_a: Institution, secretary_setup) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from services.members.models import FamilyMember, RewardPunishment

    setup = secretary_setup
    with in_schema(inst_a):
        RewardPunishment.objects.create(
            member=setup.mine, kind="reward", title="优秀共产党员", issued_on=date(2025, 7, 1)
        )
        FamilyMember.objects.create(member=setup.mine, relation="父亲", name="王大明", political_status="群众")
    body = _api(inst_a, setup.secretary).get(f"/api/members/{setup.mine.pk}/").json()
    assert body["rewards"] == [
        {"kind": "reward", "title": "优秀共产党员", "issued_on": "2025-07-01", "issuer": "", "note": ""}
    ]
    assert body["family"][0]["name"] == "王大明"
    me = _api(inst_a, setup.secretary).get(f"/api/members/{setup.secretary.member.pk}/").json()
    assert me["positions"][0]["kind"] == "secretary" and me["positions"][0]["unit_name"] == "X支部"


def test_a_multi_row_set_is_replaced_whole_validated_first_and_in_the_history(
    inst_a: Institution,
    secretary_setup,  # type: ignore[no-untyped-def]
) -> None:
    from services.members.models import FamilyMember, MemberChange

    setup = secretary_setup
    api = _api(inst_a, setup.secretary)
    url = f"/api/members/{setup.mine.pk}/rows/family/"
    first = api.put(
        url,
        [{"relation": "母亲", "name": "张桂英"}, {"relation": "父亲", "name": "王建国"}],
        content_type="application/json",
    )
    assert first.status_code == 200, first.content
    bad = api.put(url, [{"relation": "配偶", "name": ""}], content_type="application/json")
    assert bad.status_code == 400
    with in_schema(inst_a):
        assert sorted(FamilyMember.objects.filter(member=setup.mine).values_list("name", flat=True)) == [
            "张桂英",
            "王建国",
        ]  # the invalid replacement changed nothing
        assert MemberChange.objects.filter(member=setup.mine, kind="rows:family").count() == 1
    assert (
        api.put(f"/api/members/{setup.theirs.pk}/rows/family/", [], content_type="application/json").status_code == 404
    )


def test_whole_record_put_is_not_allowed(inst_a: Institution, secretary_setup) -> None:  # type: ignore[no-untyped-def]
    api = _api(inst_a, secretary_setup.secretary)
    assert api.put(f"/api/members/{secretary_setup.mine.pk}/", {}, content_type="application/json").status_code == 405
