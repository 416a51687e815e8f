"""The organizational life meeting's per-participant record (组织生活会): self-criticism, the
criticism raised and the rectification, written by the recorder or a manager for people on the list."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from services.orglife.life_notes import life_note_save, life_notes
from services.orglife.models import LifeMeetingNote, Meeting
from tenants.models import Institution
from tests.conftest import client_for, make_user
from tests.factories import MemberFactory

from .conftest import Branch, plan

pytestmark = pytest.mark.django_db


def test_the_recorder_writes_each_participants_record(branch: Branch, inst_a: Institution) -> None:
    meeting = plan(branch, kind=Meeting.Kind.LIFE_MEETING, recorder=branch.members[1])
    recorder = make_user(inst_a, username="ln_recorder")
    branch.members[1].user = recorder
    branch.members[1].save(update_fields=["user"])
    person = branch.members[5]
    life_note_save(
        acting_user=recorder, meeting=meeting, member=person, self_criticism=" 学习不够深入 ", rectification="每周读书"
    )
    life_note_save(acting_user=branch.secretary, meeting=meeting, member=person, criticism_received="发言不够积极",
                   self_criticism="学习不够深入", rectification="每周读书")  # fmt: skip
    note = LifeMeetingNote.objects.get()
    assert (note.self_criticism, note.criticism_received, note.rectification) == (
        "学习不够深入",
        "发言不够积极",
        "每周读书",
    )
    listed = dict((row.member_id, note) for row, note in life_notes(meeting=meeting))
    assert listed[person.pk] == note and listed[branch.members[6].pk] is None


def test_refusals(branch: Branch, inst_a: Institution) -> None:
    meeting = plan(branch, kind=Meeting.Kind.LIFE_MEETING)
    plain = make_user(inst_a, username="ln_plain")
    branch.members[6].user = plain
    branch.members[6].save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        life_note_save(acting_user=plain, meeting=meeting, member=branch.members[6], self_criticism="x")
    stranger = MemberFactory(name="名单外")
    with pytest.raises(ValidationError) as refused:
        life_note_save(acting_user=branch.secretary, meeting=meeting, member=stranger, self_criticism="x")
    assert "不在本次会议的应到名单中" in str(refused.value)
    lecture = plan(branch, kind=Meeting.Kind.LECTURE)
    with pytest.raises(ValidationError):
        life_note_save(acting_user=branch.secretary, meeting=lecture, member=branch.members[6], self_criticism="x")
    assert not LifeMeetingNote.objects.exists()


def test_the_page_saves_one_participant(branch: Branch, inst_a: Institution) -> None:
    meeting = plan(branch, kind=Meeting.Kind.LIFE_MEETING)
    client = client_for(inst_a, branch.secretary)
    url = reverse("orglife_life:notes", kwargs={"pk": meeting.pk})
    person = branch.members[4]
    assert person.name in client.get(url).content.decode()
    response = client.post(url, {"member": person.pk, f"p{person.pk}-self_criticism": "理论学习不够"})
    assert response.status_code == 302
    assert LifeMeetingNote.objects.get(member=person).self_criticism == "理论学习不够"


def test_a_recorder_who_is_a_plain_member_reaches_the_page(branch: Branch, inst_a: Institution) -> None:
    recorder = make_user(inst_a, username="ln_recorder2")
    branch.members[6].user = recorder
    branch.members[6].save(update_fields=["user"])
    meeting = plan(branch, kind=Meeting.Kind.LIFE_MEETING, recorder=branch.members[6])
    url = reverse("orglife_life:notes", kwargs={"pk": meeting.pk})
    assert client_for(inst_a, recorder).get(url).status_code == 200
    other = make_user(inst_a, username="ln_other")
    branch.members[7].user = other
    branch.members[7].save(update_fields=["user"])
    assert client_for(inst_a, other).get(url).status_code == 403  # on the list, not the recorder


def test_finalized_minutes_freeze_the_record_in_the_service_and_the_database(
    branch: Branch, inst_a: Institution
) -> None:
    from django.db import DatabaseError, connection, transaction

    from tests.orglife.test_d_minutes import finalized

    recorder = make_user(inst_a, username="ln_fin_recorder")
    branch.members[1].user = recorder
    branch.members[1].save(update_fields=["user"])
    meeting = finalized(branch, recorder).meeting
    person = branch.members[5]
    with pytest.raises(ValidationError) as refused:
        life_note_save(acting_user=branch.secretary, meeting=meeting, member=person, self_criticism="补写")
    assert "已定稿" in str(refused.value)
    with pytest.raises(DatabaseError) as blocked, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orglife_lifemeetingnote (meeting_id, member_id, name, self_criticism, criticism_received,"
            " rectification, updated_at) VALUES (%s, %s, 'x', 'x', '', '', now())",
            [meeting.pk, person.pk],
        )
    assert "已定稿" in str(blocked.value)
    assert not LifeMeetingNote.objects.exists()
