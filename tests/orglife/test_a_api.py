"""The meetings API: create, list with filters, read with the list and counts, change, cancel, leave
and its decision, my meetings — thin over the services, refusals through the one exception handler."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from services.orglife.models import Attendee, Meeting
from tests.conftest import client_for, make_user
from tests.votes.conftest import make_dossier

from .conftest import Branch, plan, soon

pytestmark = pytest.mark.django_db


def send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def member_client(branch: Branch, inst_a: Any, index: int = 5) -> Any:
    user = make_user(inst_a, username=f"ol_api{index}")
    branch.members[index].user = user
    branch.members[index].save(update_fields=["user"])
    return client_for(inst_a, user)


def test_the_api_plans_a_meeting_and_reads_it_with_its_list(branch: Branch, inst_a: Any) -> None:
    activist = make_dossier(branch.unit, name="积极分子甲", stage="activist")
    client = client_for(inst_a, branch.secretary)
    created = send(
        client,
        "post",
        reverse("orglife-meeting-list"),
        {
            "unit": branch.unit.pk,
            "kind": "lecture",
            "topic": "专题党课",
            "starts_at": soon(days=2).isoformat(),
            "ends_at": soon(days=2, hour=16).isoformat(),
            "place": "报告厅",
            "host": branch.members[0].pk,
            "lecturer": "王教授",
            "invitees": [activist.pk],
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["counts"] == {"expected": 11, "excused": 0, "present": 0, "absent": 11, "leave_waiting": 0}
    assert body["quorum"] is None and len(body["attendees"]) == 11
    listed = client.get(reverse("orglife-meeting-list"), {"kind": "lecture", "period": "upcoming"}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert client.get(reverse("orglife-meeting-list"), {"kind": "talk"}).json()["results"] == []


def test_bad_input_gets_chinese_messages(branch: Branch, inst_a: Any) -> None:
    client = client_for(inst_a, branch.secretary)
    bad = send(
        client,
        "post",
        reverse("orglife-meeting-list"),
        {"unit": branch.unit.pk, "kind": "group_meeting", "topic": "小组会",
         "starts_at": soon().isoformat(), "ends_at": soon(hour=16).isoformat()},
    )  # fmt: skip
    assert bad.status_code == 400 and "党小组会由党小组召开" in json.dumps(bad.json(), ensure_ascii=False)
    stranger = make_dossier(branch.unit, name="申请人", stage="applicant")
    bad = send(
        client,
        "post",
        reverse("orglife-meeting-list"),
        {"unit": branch.unit.pk, "kind": "lecture", "topic": "党课", "starts_at": soon().isoformat(),
         "ends_at": soon(hour=16).isoformat(), "invitees": [stranger.pk]},
    )  # fmt: skip
    assert bad.status_code == 400 and "列席人员" in json.dumps(bad.json(), ensure_ascii=False)
    assert not Meeting.objects.exists()


def test_the_api_changes_and_cancels_a_meeting(branch: Branch, inst_a: Any) -> None:
    meeting = plan(branch)
    client = client_for(inst_a, branch.secretary)
    url = reverse("orglife-meeting-detail", kwargs={"pk": meeting.pk})
    changed = send(client, "patch", url, {"place": "会议室", "recorder": None})
    assert changed.status_code == 200 and changed.json()["place"] == "会议室" and changed.json()["recorder"] is None
    assert Meeting.objects.get(pk=meeting.pk).topic == "学习党章"
    cancel_url = reverse("orglife-meeting-cancel", kwargs={"pk": meeting.pk})
    assert send(client, "post", cancel_url, {}).status_code == 400
    cancelled = send(client, "post", cancel_url, {"reason": "改期"})
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancel_reason"] == "改期"
    again = send(client, "patch", url, {"topic": "再改"})
    assert again.status_code == 400 and "已取消" in again.json()["detail"]
    assert client.get(url).json()["status"] == "cancelled"  # still readable


def test_a_member_cannot_change_a_meeting(branch: Branch, inst_a: Any) -> None:
    meeting = plan(branch)
    client = member_client(branch, inst_a)
    url = reverse("orglife-meeting-detail", kwargs={"pk": meeting.pk})
    assert send(client, "patch", url, {"topic": "改"}).status_code == 404


def test_leave_through_the_api(branch: Branch, inst_a: Any) -> None:
    meeting = plan(branch)
    member = member_client(branch, inst_a)
    leave_url = reverse("orglife-meeting-leave", kwargs={"pk": meeting.pk})
    asked = send(member, "post", leave_url, {"reason": "出差"})
    assert asked.status_code == 200 and asked.json()["leave"] == "requested"
    row = Attendee.objects.get(pk=asked.json()["id"])
    decide_url = reverse("orglife-leave-decide", kwargs={"pk": row.pk})
    assert send(member, "post", decide_url, {"decision": "approved"}).status_code == 404
    secretary = client_for(inst_a, branch.secretary)
    assert send(secretary, "post", decide_url, {"decision": "maybe"}).status_code == 400
    decided = send(secretary, "post", decide_url, {"decision": "approved"})
    assert decided.status_code == 200 and decided.json()["excused"] is True
    mine = member.get(reverse("orglife-mine")).json()
    assert [r["meeting"]["id"] for r in mine["upcoming"]] == [meeting.pk]
    assert mine["upcoming"][0]["leave"] == "approved" and mine["history"] == []


def test_leave_from_a_meeting_one_is_not_on_is_a_404(branch: Branch, inst_a: Any) -> None:
    meeting = plan(branch, kind=Meeting.Kind.COMMITTEE_MEETING)
    member = member_client(branch, inst_a)
    response = send(member, "post", reverse("orglife-meeting-leave", kwargs={"pk": meeting.pk}), {"reason": "x"})
    assert response.status_code == 404


def test_the_routes_are_in_the_schema(branch: Branch, inst_a: Any) -> None:
    schema = client_for(inst_a, branch.secretary).get("/api/schema/", {"format": "json"})
    paths = json.loads(schema.content)["paths"] if schema.status_code == 200 else {}
    for path in (
        "/api/orglife/meetings/",
        "/api/orglife/meetings/{id}/",
        "/api/orglife/meetings/{id}/cancel/",
        "/api/orglife/meetings/{id}/leave/",
        "/api/orglife/attendees/{id}/leave/decide/",
        "/api/orglife/mine/",
    ):
        assert path in paths, path
