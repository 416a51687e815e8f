"""The sources publishing to the 党务公开 board: a development target's publicity when the branch
committee's review (with the window) is recorded, a finalized meeting's summary from its minutes
page, a branch's dues year when its disclosure is published. Each names only what its kind allows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from services.dues import disclosure
from services.openness.models import BoardItem
from services.orglife.models import Meeting, Minutes, MinutesSection
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.development.helpers import PUBLICITY, apply, build_world, record, walk_to_target
from tests.orglife.conftest import Branch

pytestmark = pytest.mark.django_db


def test_recording_the_committee_review_publishes_the_publicity_with_its_window(inst_a: Institution) -> None:
    with in_schema(inst_a):
        world = build_world()
        dossier = walk_to_target(world, apply(world, name="李公示"))
        assert not BoardItem.objects.exists()
        record(world, dossier, "committee_review", PUBLICITY[0], ends_on=PUBLICITY[1])
        item = BoardItem.objects.get()
        assert item.kind == BoardItem.Kind.DEVELOPMENT_PUBLICITY and item.unit == dossier.branch
        assert (item.published_on, item.ends_on) == PUBLICITY
        assert "李公示" in item.title and "2024-09-02 至 2024-09-06，共 5 个工作日" in item.body
        assert dossier.national_id not in item.body  # the candidate is named, nothing more
        # recorded again with a corrected window: the same notice changes
        record(world, dossier, "committee_review", PUBLICITY[0], ends_on=date(2024, 9, 9))
        item = BoardItem.objects.get()
        assert item.ends_on == date(2024, 9, 9) and "共 6 个工作日" in item.body


def test_a_publicity_without_an_end_runs_for_the_rules_working_days(inst_a: Institution) -> None:
    with in_schema(inst_a):
        world = build_world()
        dossier = walk_to_target(world, apply(world, name="赵公示"))
        record(world, dossier, "committee_review", date(2024, 9, 30))  # National Day follows
        item = BoardItem.objects.get()
        assert item.published_on == date(2024, 9, 30) and item.ends_on == date(2024, 10, 11)
        assert "共 5 个工作日" in item.body


def finalized_minutes(branch: Branch, *, finalize: bool = True) -> Minutes:
    start = timezone.now() - timedelta(days=1)
    meeting = Meeting.objects.create(
        unit=branch.unit, kind=Meeting.Kind.MEMBER_MEETING, topic="学习党章", starts_at=start,
        ends_at=start + timedelta(hours=2),
    )  # fmt: skip
    minutes = Minutes.objects.create(meeting=meeting, attendance={"present": ["党员03"]})
    sections = [("topics", "会议议题", "学习党章第一章"), ("discussion", "讨论情况", "党员05发言：……"),
                ("resolutions", "会议决议", "每月集中学习一次")]  # fmt: skip
    for number, (code, title, text) in enumerate(sections, start=1):
        MinutesSection.objects.create(minutes=minutes, number=number, code=code, title=title, text=text)
    if finalize:
        Minutes.objects.filter(pk=minutes.pk).update(status=Minutes.Status.FINALIZED, finalized_at=timezone.now())
    return Minutes.objects.get(pk=minutes.pk)


def test_the_minutes_page_publishes_the_summary_without_attendance_or_discussion(
    inst_a: Institution, branch: Branch
) -> None:
    minutes = finalized_minutes(branch)
    client = client_for(inst_a, branch.secretary)
    url = f"/orglife/minutes/{minutes.meeting_id}/"
    assert "公开会议概要" in client.get(url).content.decode()
    assert client.post(f"{url}publish/").status_code == 302
    client.post(f"{url}publish/")  # again: the same item
    item = BoardItem.objects.get()
    assert item.kind == BoardItem.Kind.MEETING_SUMMARY and item.unit == branch.unit
    assert "学习党章第一章" in item.body and "每月集中学习一次" in item.body
    assert "党员05" not in item.body and "党员03" not in item.body
    assert "查看党务公开" in client.get(url).content.decode()


def test_draft_minutes_are_not_published(inst_a: Institution, branch: Branch) -> None:
    minutes = finalized_minutes(branch, finalize=False)
    response = client_for(inst_a, branch.secretary).post(f"/orglife/minutes/{minutes.meeting_id}/publish/", follow=True)
    assert "定稿后才能公开" in response.content.decode() and not BoardItem.objects.exists()


def test_publishing_the_dues_disclosure_puts_its_totals_on_the_board(branch: Branch) -> None:
    published = disclosure.disclosure_publish(acting_user=branch.secretary, unit=branch.unit, year=2026)
    item = BoardItem.objects.get()
    assert item.kind == BoardItem.Kind.DUES and item.link == f"/dues/disclosure/{published.pk}/"
    assert "应交 0.00 元" in item.body and "党费使用合计 0.00 元" in item.body
    again = disclosure.disclosure_publish(acting_user=branch.secretary, unit=branch.unit, year=2026)
    assert BoardItem.objects.get().link == f"/dues/disclosure/{again.pk}/"
