"""A vote is held at a branch member meeting planned in organizational life (issue 12): the vote
names the meeting, which must be a member meeting of the same branch, not cancelled, on the vote's
date; the page fills the date, place, host and recorder from it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from services.orglife.models import Meeting
from services.orglife.services import meeting_create
from services.votes.models import BranchVote
from services.votes.services import vote_create
from tests.conftest import client_for
from tests.factories import OrgUnitFactory
from tests.votes.conftest import Branch, ready_for_admission

pytestmark = pytest.mark.django_db


def member_meeting(branch: Branch, *, days: int = 7, kind: str = Meeting.Kind.MEMBER_MEETING, unit=None) -> Meeting:  # type: ignore[no-untyped-def]
    day = timezone.localdate() + timedelta(days=days)
    starts = timezone.make_aware(datetime(day.year, day.month, day.day, 15))
    return meeting_create(
        acting_user=branch.secretary,
        unit=unit or branch.unit,
        kind=kind,
        topic="接收预备党员",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="党员活动室",
        host=branch.full[0],
        recorder=branch.full[1],
    )


def create(branch: Branch, meeting: Meeting | None, **fields) -> BranchVote:  # type: ignore[no-untyped-def]
    dossier = ready_for_admission(branch.unit, branch.full[1:3], name=fields.pop("name", "候选甲"))
    return vote_create(
        branch=branch.unit,
        kind=BranchVote.Kind.ADMISSION,
        meeting_on=fields.pop("meeting_on", timezone.localtime(meeting.starts_at).date() if meeting else None),
        host="书记",
        recorder="组织委员",
        dossiers=[dossier],
        acting_user=branch.secretary,
        meeting=meeting,
        **fields,
    )


def test_a_vote_names_the_member_meeting_it_is_held_at(branch: Branch) -> None:
    meeting = member_meeting(branch)
    vote = create(branch, meeting)
    assert vote.meeting_id == meeting.pk
    assert list(meeting.votes.all()) == [vote]


@pytest.mark.parametrize("wrong", ["kind", "branch", "cancelled", "date"])
def test_a_meeting_that_cannot_hold_the_vote_is_refused(branch: Branch, wrong: str) -> None:
    if wrong == "kind":
        meeting = member_meeting(branch, kind=Meeting.Kind.LECTURE)
    elif wrong == "branch":
        other = OrgUnitFactory(name="第二党支部")
        meeting = member_meeting(branch)
        Meeting.objects.filter(pk=meeting.pk).update(unit=other)
        meeting.refresh_from_db()
    else:
        meeting = member_meeting(branch)
    if wrong == "cancelled":
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
        meeting.refresh_from_db()
    fields = {"meeting_on": timezone.localdate() + timedelta(days=8)} if wrong == "date" else {}
    with pytest.raises(ValidationError) as refused:
        create(branch, meeting, **fields)
    text = str(refused.value)
    expected = {"kind": "支部党员大会上进行", "branch": "支部党员大会上进行", "cancelled": "已取消", "date": "日期"}
    assert expected[wrong] in text
    assert not BranchVote.objects.exists()


def test_the_page_fills_the_vote_from_the_chosen_meeting(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    meeting = member_meeting(branch)
    dossier = ready_for_admission(branch.unit, branch.full[1:3], name="候选乙")
    client = client_for(inst_a, branch.secretary)
    url = reverse("votes:create")
    form_page = client.get(url, {"branch": branch.unit.pk, "kind": "admission"}).content.decode()
    assert "接收预备党员" in form_page and f'value="{meeting.pk}"' in form_page
    response = client.post(
        url, {"branch": branch.unit.pk, "kind": "admission", "meeting": meeting.pk, "dossiers": [dossier.pk]}
    )
    vote = BranchVote.objects.get()
    assert response.status_code == 302
    assert (vote.meeting_id, vote.meeting_on, vote.place, vote.host, vote.recorder) == (
        meeting.pk,
        timezone.localtime(meeting.starts_at).date(),
        "党员活动室",
        branch.full[0].name,
        branch.full[1].name,
    )
    assert "接收预备党员" in client.get(reverse("votes:detail", kwargs={"pk": vote.pk})).content.decode()


def test_without_a_meeting_the_date_is_still_needed(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    dossier = ready_for_admission(branch.unit, branch.full[1:3], name="候选丙")
    client = client_for(inst_a, branch.secretary)
    response = client.post(
        reverse("votes:create"),
        {"branch": branch.unit.pk, "kind": "admission", "host": "甲", "recorder": "乙", "dossiers": [dossier.pk]},
    )
    assert response.status_code == 200
    assert "请填写会议日期" in response.content.decode()
    assert not BranchVote.objects.exists()


def test_the_api_takes_and_shows_the_meeting(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    meeting = member_meeting(branch)
    dossier = ready_for_admission(branch.unit, branch.full[1:3], name="候选丁")
    client = client_for(inst_a, branch.secretary)
    body = {
        "branch": branch.unit.pk,
        "kind": "admission",
        "meeting": meeting.pk,
        "meeting_on": timezone.localtime(meeting.starts_at).date().isoformat(),
        "host": "甲",
        "recorder": "乙",
        "dossiers": [dossier.pk],
    }
    response = client.post("/api/votes/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["meeting"] == meeting.pk
