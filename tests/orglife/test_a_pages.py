"""The meeting pages as a branch secretary and a member on a phone use them: plan, read, change,
cancel (with confirmation), ask for leave, approve it, move members between party groups."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from services.members.models import Member
from services.organization.models import OrgUnit
from services.orglife.models import Attendee, Meeting
from tests.conftest import client_for, make_user
from tests.factories import OrgUnitFactory
from tests.votes.conftest import make_dossier

from .conftest import Branch, plan, soon

pytestmark = pytest.mark.django_db


def local(when: Any) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def member_client(branch: Branch, inst_a: Any, index: int = 5) -> Any:
    user = make_user(inst_a, username=f"ol_member{index}")
    branch.members[index].user = user
    branch.members[index].save(update_fields=["user"])
    return client_for(inst_a, user)


def test_a_secretary_plans_a_lecture_with_a_lecturer_and_invitees(branch: Branch, inst_a: Any) -> None:
    activist = make_dossier(branch.unit, name="积极分子甲", stage="activist")
    make_dossier(branch.unit, name="申请人乙", stage="applicant")
    client = client_for(inst_a, branch.secretary)
    step1 = client.get(reverse("orglife:meeting_create"), {"unit": branch.unit.pk, "kind": "lecture"})
    body = step1.content.decode()
    assert step1.status_code == 200
    assert "积极分子甲" in body and "申请人乙" not in body and "授课人" in body and 'name="participants"' not in body
    response = client.post(
        reverse("orglife:meeting_create"),
        {
            "unit": branch.unit.pk,
            "kind": "lecture",
            "topic": "党史专题党课",
            "starts_at": local(soon(days=2)),
            "ends_at": local(soon(days=2, hour=16)),
            "place": "党员活动室",
            "host": branch.members[0].pk,
            "recorder": branch.members[1].pk,
            "lecturer": "王教授",
            "invitees": [activist.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("orglife:meeting_detail", kwargs={"pk": meeting.pk})
    assert (meeting.lecturer, meeting.kind) == ("王教授", "lecture")
    detail = client.get(response.url).content.decode()
    assert "积极分子甲" in detail and "列席" in detail and "王教授" in detail
    assert "<strong>11</strong>应到" in detail


def test_the_form_offers_only_managed_units_and_refuses_a_missing_place(branch: Branch, inst_a: Any) -> None:
    OrgUnitFactory(name="别人的支部")
    client = client_for(inst_a, branch.secretary)
    body = client.get(reverse("orglife:meeting_create")).content.decode()
    assert "第一党支部" in body and "第一党小组" in body and "别人的支部" not in body
    response = client.post(
        reverse("orglife:meeting_create"),
        {"unit": branch.unit.pk, "kind": "member_meeting", "topic": "学习", "starts_at": local(soon()),
         "ends_at": local(soon(hour=16))},
    )  # fmt: skip
    assert response.status_code == 400 and "请填写地点或线上会议链接" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_talk_asks_who_took_part(branch: Branch, inst_a: Any) -> None:
    client = client_for(inst_a, branch.secretary)
    response = client.post(
        reverse("orglife:meeting_create"),
        {"unit": branch.unit.pk, "kind": "talk", "topic": "谈心", "starts_at": local(soon()),
         "ends_at": local(soon(hour=15)), "place": "办公室", "participants": [branch.members[6].pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert list(Meeting.objects.get().attendees.values_list("name", flat=True)) == [branch.members[6].name]


def test_a_plain_member_cannot_plan_and_is_sent_to_their_meetings(branch: Branch, inst_a: Any) -> None:
    client = member_client(branch, inst_a)
    assert client.get(reverse("orglife:meeting_create")).status_code == 403
    response = client.get(reverse("orglife:meetings"))
    assert response.status_code == 302 and response.url == reverse("orglife:mine")


def test_the_list_filters_by_kind_and_period(branch: Branch, inst_a: Any) -> None:
    plan(branch, topic="下周的党员大会", starts_at=soon(days=7))
    plan(branch, kind=Meeting.Kind.COMMITTEE_MEETING, topic="支委会例会")
    past = soon(days=-40)
    plan(branch, topic="上月的党员大会", starts_at=past)
    client = client_for(inst_a, branch.secretary)
    every = client.get(reverse("orglife:meetings")).content.decode()
    assert all(topic in every for topic in ("下周的党员大会", "支委会例会", "上月的党员大会"))
    committee = client.get(reverse("orglife:meetings"), {"kind": "committee_meeting"}).content.decode()
    assert "支委会例会" in committee and "下周的党员大会" not in committee
    upcoming = client.get(reverse("orglife:meetings"), {"period": "upcoming"}).content.decode()
    assert "上月的党员大会" not in upcoming and "下周的党员大会" in upcoming


def test_changing_a_meeting_says_the_list_is_kept(branch: Branch, inst_a: Any) -> None:
    meeting = plan(branch)
    client = client_for(inst_a, branch.secretary)
    page = client.get(reverse("orglife:meeting_edit", kwargs={"pk": meeting.pk})).content.decode()
    assert "不会重新生成名单" in page
    response = client.post(
        reverse("orglife:meeting_edit", kwargs={"pk": meeting.pk}),
        {"topic": "改后的主题", "starts_at": local(soon(days=3)), "ends_at": local(soon(days=3, hour=17)),
         "place": "会议室", "host": branch.members[0].pk, "recorder": branch.members[2].pk},
    )  # fmt: skip
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.place, meeting.recorder_id) == ("改后的主题", "会议室", branch.members[2].pk)


def test_cancelling_asks_for_confirmation_and_a_reason(branch: Branch, inst_a: Any) -> None:
    meeting = plan(branch)
    client = client_for(inst_a, branch.secretary)
    url = reverse("orglife:meeting_cancel", kwargs={"pk": meeting.pk})
    assert "确认取消会议" in client.get(url).content.decode()
    assert client.post(url, {"reason": ""}).status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).status == "planned"
    response = client.post(url, {"reason": "与考试冲突"})
    assert response.status_code == 302
    detail = client.get(response.url).content.decode()
    assert "已取消" in detail and "与考试冲突" in detail and "取消会议</a>" not in detail


def test_a_member_asks_for_leave_on_a_phone_and_the_secretary_approves(branch: Branch, inst_a: Any) -> None:
    meeting = plan(branch, topic="三月党员大会")
    client = member_client(branch, inst_a)
    mine = client.get(reverse("orglife:mine")).content.decode()
    assert "三月党员大会" in mine and reverse("orglife:leave_request", kwargs={"pk": meeting.pk}) in mine
    response = client.post(reverse("orglife:leave_request", kwargs={"pk": meeting.pk}), {"reason": "出差"})
    assert response.status_code == 302 and response.url == reverse("orglife:mine")
    assert "请假待审批" in client.get(reverse("orglife:mine")).content.decode()
    secretary = client_for(inst_a, branch.secretary)
    waiting = secretary.get(reverse("orglife:leave_list")).content.decode()
    assert branch.members[5].name in waiting and "出差" in waiting
    row = meeting.attendees.get(member=branch.members[5])
    decided = secretary.post(
        reverse("orglife:leave_decide", kwargs={"pk": row.pk}), {"decision": "approved", "next": "list"}
    )
    assert decided.status_code == 302 and decided.url == reverse("orglife:leave_list")
    assert Attendee.objects.get(pk=row.pk).leave == "approved"
    assert "没有等待审批的请假" in secretary.get(reverse("orglife:leave_list")).content.decode()


def test_a_member_cannot_ask_for_a_meeting_they_are_not_on(branch: Branch, inst_a: Any) -> None:
    meeting = plan(branch, kind=Meeting.Kind.COMMITTEE_MEETING)  # members[5] is not on the committee
    client = member_client(branch, inst_a)
    assert client.get(reverse("orglife:leave_request", kwargs={"pk": meeting.pk})).status_code == 404
    assert client.get(reverse("orglife:meeting_detail", kwargs={"pk": meeting.pk})).status_code == 404


def test_my_history_shows_my_attendance(branch: Branch, inst_a: Any) -> None:
    held = plan(branch, topic="上次的党课", kind=Meeting.Kind.LECTURE, starts_at=soon(days=-3))
    missed = plan(branch, topic="上次的党员大会", starts_at=soon(days=-2))
    held.attendees.filter(member=branch.members[5]).update(checked_in_at=timezone.now() - timedelta(days=3))
    assert missed.attendees.filter(member=branch.members[5]).exists()
    body = member_client(branch, inst_a).get(reverse("orglife:mine")).content.decode()
    assert "上次的党课" in body and "出席" in body and "缺席" in body


def test_the_group_page_moves_members_and_warns_about_small_groups(branch: Branch, inst_a: Any) -> None:
    second = OrgUnitFactory(name="第二党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=branch.unit)
    client = client_for(inst_a, branch.secretary)
    url = reverse("orglife:groups", kwargs={"pk": branch.unit.pk})
    page = client.get(url).content.decode()
    assert "“第二党小组”只有 0 名党员，少于 3 名。" in page
    response = client.post(url, {"group": second.pk, "members": [m.pk for m in branch.members[4:6]]})
    assert response.status_code == 302
    assert Member.objects.filter(party_group=second).count() == 2
    assert "“第二党小组”只有 2 名党员" in client.get(url).content.decode()
    assert member_client(branch, inst_a).get(url).status_code == 404


def test_the_navigation_leads_to_orglife(branch: Branch, inst_a: Any) -> None:
    body = member_client(branch, inst_a).get(reverse("home")).content.decode()
    assert reverse("orglife:mine") in body and "组织生活" in body
