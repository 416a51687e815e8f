"""The 组织生活会 record API: the members on the list with their notes, saving one member's note —
the recorder and the unit's managers only, refusals in Chinese."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from services.orglife.models import LifeMeetingNote, Meeting
from tenants.models import Institution
from tests.conftest import client_for, make_user
from tests.factories import MemberFactory

from .conftest import Branch, plan

pytestmark = pytest.mark.django_db


def send(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def said(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def test_the_recorder_reads_and_saves_the_notes(branch: Branch, inst_a: Institution) -> None:
    meeting = plan(branch, kind=Meeting.Kind.LIFE_MEETING, recorder=branch.members[1])
    branch.members[1].user = make_user(inst_a, username="lnf_recorder")
    branch.members[1].save(update_fields=["user"])
    recorder = client_for(inst_a, branch.members[1].user)
    url = reverse("orglife-life-notes", kwargs={"pk": meeting.pk})
    person = branch.members[5]
    saved = send(recorder, url, {"member": person.pk, "self_criticism": " 学习不够深入 ", "rectification": "每周读书"})
    assert saved.status_code == 200, saved.json()
    assert saved.json()["self_criticism"] == "学习不够深入" and saved.json()["criticism_received"] == ""
    rows = {row["member"]: row for row in recorder.get(url).json()}
    assert rows[person.pk]["rectification"] == "每周读书" and rows[person.pk]["updated_at"]
    assert rows[branch.members[6].pk]["updated_at"] is None
    assert LifeMeetingNote.objects.get().name == person.name


def test_refusals(branch: Branch, inst_a: Institution) -> None:
    meeting = plan(branch, kind=Meeting.Kind.LIFE_MEETING)
    url = reverse("orglife-life-notes", kwargs={"pk": meeting.pk})
    secretary = client_for(inst_a, branch.secretary)
    assert send(secretary, url).status_code == 400
    outsider = MemberFactory(name="外支部党员")
    off_list = send(secretary, url, {"member": outsider.pk, "self_criticism": "x"})
    assert off_list.status_code == 400 and "不在本次会议的应到名单中" in said(off_list)
    other = plan(branch, topic="党员大会")
    wrong_kind = send(
        secretary, reverse("orglife-life-notes", kwargs={"pk": other.pk}), {"member": branch.members[5].pk}
    )
    assert wrong_kind.status_code == 400 and "只有组织生活会" in said(wrong_kind)
    branch.members[5].user = make_user(inst_a, username="lnf_member")
    branch.members[5].save(update_fields=["user"])
    member = client_for(inst_a, branch.members[5].user)
    refused = member.get(url)
    assert refused.status_code == 403 and "只有会议记录人和支部管理者" in said(refused)
    stranger = client_for(inst_a, make_user(inst_a, username="lnf_stranger"))
    assert send(stranger, url, {"member": branch.members[5].pk, "self_criticism": "x"}).status_code == 404
    assert not LifeMeetingNote.objects.exists()


def test_the_route_is_in_the_schema(branch: Branch, inst_a: Institution) -> None:
    paths = json.loads(client_for(inst_a, branch.secretary).get("/api/schema/", {"format": "json"}).content)["paths"]
    assert set(paths["/api/orglife/life-notes/{id}/"]) >= {"get", "post"}
