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


def test_a_unit_admin_who_is_not_the_recorder_sees_the_screen_but_drafts_no_minutes(
    branch: Branch, inst_a: Institution
) -> None:
    from services.organization.models import AdminGrant

    admin = make_user(inst_a, username="wl_admin")
    AdminGrant.objects.create(user=admin, role=AdminGrant.Role.UNIT_ADMIN, unit=branch.unit)
    meeting = plan(branch)
    body = page(client_for(inst_a, admin), meeting)
    assert reverse("orglife_checkin:screen", args=[meeting.pk]) in body
    assert reverse("orglife_life:notes", args=[meeting.pk]) not in body  # not a life meeting
