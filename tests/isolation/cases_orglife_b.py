"""Isolation cases for the check-in routes of organizational life (merged into test_isolation's CASES)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _meeting(owner: User, marker: str) -> models.Model:
    from services.organization.models import OrgUnit
    from services.orglife.models import Meeting
    from tests.factories import OrgUnitFactory

    branch = OrgUnitFactory(name=marker, kind=OrgUnit.Kind.BRANCH)
    starts = timezone.now() - timedelta(minutes=10)
    return Meeting.objects.create(
        unit=branch,
        kind=Meeting.Kind.MEMBER_MEETING,
        topic=marker,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )


def _attendee(owner: User, marker: str) -> models.Model:
    from services.orglife.models import Attendee
    from tests.factories import MemberFactory

    meeting = _meeting(owner, marker)
    member = MemberFactory(name=marker, branch=meeting.unit)  # type: ignore[attr-defined]
    return Attendee.objects.create(meeting=meeting, member=member, name=marker)


def _not_checked_in(obj: models.Model) -> bool:
    from services.orglife.models import Attendee

    return Attendee.objects.filter(pk=obj.pk, checked_in_at__isnull=True).exists()


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "orglife_checkin:scan"): Case("object", factory=_meeting, url_kwargs={"token": "x"}),
    (TENANT, "orglife_checkin:enter"): Case("page", methods=("get", "post")),
    (TENANT, "orglife_checkin:done"): Case("object", factory=_meeting),
    (TENANT, "orglife_checkin:checkout"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "orglife_checkin:screen"): Case("object", factory=_meeting),
    (TENANT, "orglife_checkin:screen_state"): Case("object", factory=_meeting),
    (TENANT, "orglife_checkin:attendance"): Case("object", factory=_meeting),
    (TENANT, "orglife_checkin:mark"): Case("object", factory=_attendee, methods=("post",), exists=_not_checked_in),
    (TENANT, "orglife_checkin:unmark"): Case("object", factory=_attendee, methods=("get", "post")),
}
