"""我的会议日历: a private, revocable iCalendar address listing the meetings a person is on the list
of (as a member or an invitee), readable by calendar apps that send no session."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from services.audit.models import AuditEvent
from services.orglife import ical
from services.orglife.calendar import calendar_feed_issue, calendar_feed_revoke
from services.orglife.models import CalendarFeed, Meeting
from tenants.models import Institution
from tests.conftest import client_for, host_of, make_user
from tests.votes.conftest import make_dossier

from .conftest import Branch, plan, soon

pytestmark = pytest.mark.django_db


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def feed_of(institution: Institution, token: str) -> tuple[int, str]:
    url = reverse("orglife_calendar:feed", kwargs={"token": token})
    response = Client().get(url, HTTP_HOST=host_of(institution))
    return response.status_code, unfold(response.content.decode()) if response.status_code == 200 else ""


def test_text_is_escaped_and_long_lines_folded_within_75_octets() -> None:
    assert ical.escape("学习;讨论,总结\\备注\n第二行") == "学习\\;讨论\\,总结\\\\备注\\n第二行"
    line = "SUMMARY:" + "党" * 40  # 8 + 120 octets
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts) and len(parts) == 2
    assert parts[1].startswith(" ") and unfold(folded) == line


def test_the_feed_lists_my_meetings_and_an_invitees(branch: Branch, inst_a: Institution) -> None:
    member = branch.members[3]
    member.user = make_user(inst_a, username="ol_member3")
    member.save(update_fields=["user"])
    dossier = make_dossier(branch.unit, name="积极分子乙", stage="activist")
    dossier.user = make_user(inst_a, username="ol_activist")
    dossier.save(update_fields=["user"])
    lecture = plan(branch, kind=Meeting.Kind.LECTURE, topic="党史, 第一讲", invitees=[dossier], place="北楼 101")
    committee = plan(
        branch, kind=Meeting.Kind.COMMITTEE_MEETING, topic="支委会议题"
    )  # member 3 is not on the committee
    mine = calendar_feed_issue(acting_user=member.user)
    theirs = calendar_feed_issue(acting_user=dossier.user)

    status, body = feed_of(inst_a, mine.token)
    assert status == 200
    assert f"UID:meeting-{lecture.pk}." in body and f"meeting-{committee.pk}." not in body
    assert "SUMMARY:【党课】党史\\, 第一讲" in body and "LOCATION:北楼 101" in body
    start = lecture.starts_at.astimezone(ical.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in body and "STATUS:CONFIRMED" in body
    status, body = feed_of(inst_a, theirs.token)
    assert status == 200 and f"UID:meeting-{lecture.pk}." in body


def test_a_cancelled_meeting_stays_as_cancelled_and_far_ones_are_left_out(branch: Branch, inst_a: Institution) -> None:
    near = plan(branch)
    far = plan(branch, starts_at=soon(days=500), topic="远期会议")
    Meeting.objects.filter(pk=near.pk).update(status=Meeting.Status.CANCELLED)
    feed = calendar_feed_issue(acting_user=branch.secretary)
    status, body = feed_of(inst_a, feed.token)
    assert status == 200
    assert f"meeting-{near.pk}." in body and "STATUS:CANCELLED" in body
    assert f"meeting-{far.pk}." not in body


def test_a_new_address_revokes_the_old_and_revoking_ends_it(branch: Branch, inst_a: Institution) -> None:
    first = calendar_feed_issue(acting_user=branch.secretary)
    second = calendar_feed_issue(acting_user=branch.secretary)
    assert feed_of(inst_a, first.token)[0] == 404
    assert feed_of(inst_a, second.token)[0] == 200
    assert calendar_feed_revoke(acting_user=branch.secretary) == 1
    assert feed_of(inst_a, second.token)[0] == 404
    assert CalendarFeed.objects.filter(user=branch.secretary, revoked_at__isnull=True).count() == 0
    codes = list(AuditEvent.objects.filter(event__startswith="meeting.calendar").values_list("event", flat=True))
    assert sorted(codes) == ["meeting.calendar_issued", "meeting.calendar_issued", "meeting.calendar_revoked"]


def test_an_address_opens_nothing_on_another_institutions_site(
    branch: Branch, inst_a: Institution, inst_b: Institution
) -> None:
    plan(branch)
    feed = calendar_feed_issue(acting_user=branch.secretary)
    assert feed_of(inst_a, feed.token)[0] == 200
    assert feed_of(inst_b, feed.token)[0] == 404
    assert feed_of(inst_a, "x" * 32)[0] == 404


def test_a_disabled_account_address_stops(branch: Branch, inst_a: Institution) -> None:
    feed = calendar_feed_issue(acting_user=branch.secretary)
    type(branch.secretary).objects.filter(pk=branch.secretary.pk).update(is_active=False)
    assert feed_of(inst_a, feed.token)[0] == 404


def test_the_page_makes_shows_and_revokes_the_address(branch: Branch, inst_a: Institution) -> None:
    client = client_for(inst_a, branch.secretary)
    page = reverse("orglife_calendar:page")
    assert "生成订阅地址" in client.get(page).content.decode()
    client.post(page, {"action": "issue"})
    feed = CalendarFeed.objects.get(user=branch.secretary, revoked_at__isnull=True)
    shown = client.get(page).content.decode()
    assert f"/orglife/calendar/{feed.token}.ics" in shown and "webcal://" in shown
    client.post(page, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=branch.secretary, revoked_at__isnull=True).exists()
    assert feed_of(inst_a, feed.token)[0] == 404
    assert CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=False).exists()  # kept, revoked
