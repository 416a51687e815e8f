"""The 党务公开 pages and API: the board by kind, an item, publishing and withdrawing after a
confirmation (refusals on the form in Chinese, nothing changed), the archive."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from services.openness.models import BoardItem
from services.openness.services import publish_item
from tenants.models import Institution
from tests.conftest import client_for, make_user
from tests.factories import OrgUnitFactory
from tests.orglife.conftest import Branch

pytestmark = pytest.mark.django_db


def item(branch: Branch, **fields: object) -> BoardItem:
    values: dict[str, object] = {
        "acting_user": branch.secretary,
        "kind": BoardItem.Kind.NOTICE,
        "unit": branch.unit,
        "title": "支部通知",
        "body": "第一段\n第二段",
    }
    values.update(fields)
    return publish_item(**values)  # type: ignore[arg-type]


def member_client(inst_a: Institution, branch: Branch):  # type: ignore[no-untyped-def]
    user = make_user(inst_a, username="openness_page_member")
    branch.members[6].user = user
    branch.members[6].save(update_fields=["user"])
    return client_for(inst_a, user)


def test_the_board_shows_my_items_newest_first_by_kind(inst_a: Institution, branch: Branch) -> None:
    today = timezone.localdate()
    item(branch, title="较早的通知", published_on=today - timedelta(days=5))
    item(branch, title="最新的公示", kind=BoardItem.Kind.DEVELOPMENT_PUBLICITY, ends_on=today + timedelta(days=6))
    client = member_client(inst_a, branch)
    page = client.get("/openness/").content.decode()
    assert page.index("最新的公示") < page.index("较早的通知")
    assert f"{today:%Y-%m-%d} 至 {today + timedelta(days=6):%Y-%m-%d}" in page
    filtered = client.get("/openness/?kind=development_publicity").content.decode()
    assert "最新的公示" in filtered and "较早的通知" not in filtered
    assert "发布公开" not in page  # a member does not publish


def test_a_member_reads_an_item_and_cannot_withdraw_it(inst_a: Institution, branch: Branch) -> None:
    made = item(branch)
    client = member_client(inst_a, branch)
    page = client.get(f"/openness/{made.pk}/").content.decode()
    assert "支部通知" in page and "第二段" in page and "撤回" not in page
    assert client.get(f"/openness/{made.pk}/withdraw/").status_code == 403


def test_the_secretary_publishes_from_the_page(inst_a: Institution, branch: Branch) -> None:
    client = client_for(inst_a, branch.secretary)
    assert client.get("/openness/publish/").status_code == 200
    today = timezone.localdate()
    form = {"kind": "notice", "scope": str(branch.unit.pk), "title": "新通知", "body": "内容",
            "published_on": today.isoformat(), "ends_on": (today - timedelta(days=1)).isoformat()}  # fmt: skip
    refused = client.post("/openness/publish/", form)
    assert refused.status_code == 200 and "截止日期不能早于公开日期" in refused.content.decode()
    assert not BoardItem.objects.exists()
    elsewhere = OrgUnitFactory(name="别的支部")
    refused = client.post("/openness/publish/", {**form, "ends_on": "", "scope": str(elsewhere.pk)})
    assert refused.status_code == 200 and not BoardItem.objects.exists()  # not one of the choices
    done = client.post("/openness/publish/", {**form, "ends_on": ""})
    made = BoardItem.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/openness/{made.pk}/"
    assert made.unit == branch.unit and made.title == "新通知"


def test_withdrawing_asks_for_a_confirmation_and_a_reason(inst_a: Institution, branch: Branch) -> None:
    made = item(branch)
    client = client_for(inst_a, branch.secretary)
    assert "确认撤回" in client.get(f"/openness/{made.pk}/withdraw/").content.decode()
    unconfirmed = client.post(f"/openness/{made.pk}/withdraw/", {"reason": "有误"})
    assert unconfirmed.status_code == 200 and not BoardItem.objects.get().withdrawn
    done = client.post(f"/openness/{made.pk}/withdraw/", {"reason": "有误", "confirm": "on"})
    assert done.status_code == 302 and BoardItem.objects.get().withdrawn
    again = client.post(f"/openness/{made.pk}/withdraw/", {"reason": "再撤", "confirm": "on"})
    assert "已经撤回" in again.content.decode() and BoardItem.objects.get().withdraw_reason == "有误"
    archive = client.get("/openness/archive/").content.decode()
    assert "支部通知" in archive and "已撤回" in archive
    assert "支部通知" not in client.get("/openness/").content.decode()


def test_the_api_reads_publishes_and_withdraws(inst_a: Institution, branch: Branch) -> None:
    client = client_for(inst_a, branch.secretary)
    made = client.post(
        "/api/openness/items/",
        {"kind": "notice", "unit": branch.unit.pk, "title": "接口通知", "body": "内容"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert [row["title"] for row in client.get("/api/openness/items/").json()] == ["接口通知"]
    bad = client.post(
        "/api/openness/items/",
        {"kind": "notice", "unit": branch.unit.pk, "title": "通知", "body": "电话 13912345678"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "手机号码" in bad.content.decode()
    elsewhere = OrgUnitFactory(name="别的支部")
    foreign = client.post(
        "/api/openness/items/",
        {"kind": "notice", "unit": elsewhere.pk, "title": "通知"},
        content_type="application/json",
    )
    assert foreign.status_code == 403 and "别的支部" in foreign.json()["detail"]
    gone = client.post(f"/api/openness/items/{pk}/withdraw/", {"reason": "重复"}, content_type="application/json")
    assert gone.status_code == 200 and gone.json()["withdrawn"] is True
    twice = client.post(f"/api/openness/items/{pk}/withdraw/", {"reason": "重复"}, content_type="application/json")
    assert twice.status_code == 400 and "已经撤回" in twice.json()["detail"]
    assert client.get("/api/openness/items/").json() == []
    assert [row["id"] for row in client.get("/api/openness/archive/").json()] == [pk]
    member = member_client(inst_a, branch)
    assert member.get("/api/openness/archive/").status_code == 403
    assert member.get(f"/api/openness/items/{pk}/").status_code == 404  # withdrawn: the archive's only
