"""A meeting's page links to its work: the host's check-in screen and the minutes for those who
run it, checking in for the people on its list, the life meeting's record and the appraisal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from services.orglife.models import Meeting
from tenants.models import Institution
from tests.conftest import client_for, make_user

from .conftest import Branch, plan

pytestmark = pytest.mark.django_db


def page(client, meeting: Meeting) -> str:  # type: ignore[no-untyped-def]
    return client.get(reverse("orglife:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()


def test_the_secretary_sees_the_screen_minutes_and_life_record_links(branch: Branch, inst_a: Institution) -> None:
    meeting = plan(branch, kind=Meeting.Kind.LIFE_MEETING)
    body = page(client_for(inst_a, branch.secretary), meeting)
    for name in (
        "orglife_checkin:screen",
        "orglife_checkin:attendance",
        "orglife_minutes:detail",
        "orglife_life:notes",
    ):
        assert reverse(name, args=[meeting.pk]) in body


def test_a_member_on_the_list_sees_only_their_own_check_in(branch: Branch, inst_a: Institution) -> None:
    user = make_user(inst_a, username="wl_member")
    branch.members[6].user = user
    branch.members[6].save(update_fields=["user"])
    meeting = plan(branch)
    body = page(client_for(inst_a, user), meeting)
    assert reverse("orglife_checkin:done", args=[meeting.pk]) in body
    assert reverse("orglife_checkin:screen", args=[meeting.pk]) not in body
    assert reverse("orglife_minutes:detail", args=[meeting.pk]) not in body
