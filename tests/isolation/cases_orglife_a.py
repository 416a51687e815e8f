"""Isolation cases for the meeting routes of organizational life (merged into test_isolation's CASES)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _meeting(owner: User, marker: str) -> models.Model:
    from services.orglife.models import Meeting
    from tests.factories import OrgUnitFactory

    starts = timezone.now() + timedelta(days=3)
    return Meeting.objects.create(
        unit=OrgUnitFactory(name=marker), kind=Meeting.Kind.MEMBER_MEETING, topic=marker,
        starts_at=starts, ends_at=starts + timedelta(hours=2), place=marker,
    )  # fmt: skip


def _my_meeting(owner: User, marker: str) -> models.Model:
    """A meeting with ``owner``'s member record on its list (我的会议)."""
    from services.orglife.models import Attendee, Meeting
    from tests.factories import MemberFactory

    meeting = _meeting(owner, marker)
    assert isinstance(meeting, Meeting)
    member = MemberFactory(name=marker, branch=meeting.unit, user=owner)
    Attendee.objects.create(meeting=meeting, member=member, name=marker)
    return meeting


def _leave_attendee(owner: User, marker: str) -> models.Model:
    from services.orglife.models import Attendee

    return Attendee.objects.create(
        meeting=_meeting(owner, marker), name=marker, leave=Attendee.Leave.REQUESTED, leave_reason=marker
    )


def _branch(owner: User, marker: str) -> models.Model:
    from tests.factories import OrgUnitFactory

    return OrgUnitFactory(name=marker)  # type: ignore[no-any-return]


def _planned(obj: models.Model) -> bool:
    from services.orglife.models import Meeting

    return Meeting.objects.filter(pk=obj.pk, status=Meeting.Status.PLANNED).exists()


def _still_requested(obj: models.Model) -> bool:
    from services.orglife.models import Attendee

    return Attendee.objects.filter(pk=obj.pk, leave=Attendee.Leave.REQUESTED).exists()


CASES: dict[tuple[str, str], Case] = {
    # Pages
    (TENANT, "orglife:meetings"): Case("collection", factory=_meeting),
    (TENANT, "orglife:meeting_create"): Case("page", methods=("get", "post")),
    (TENANT, "orglife:meeting_detail"): Case("object", factory=_meeting),
    (TENANT, "orglife:meeting_edit"): Case("object", factory=_meeting, methods=("get", "post")),
    (TENANT, "orglife:meeting_cancel"): Case("object", factory=_meeting, methods=("get", "post"), exists=_planned),
    (TENANT, "orglife:mine"): Case("page"),
    (TENANT, "orglife:leave_request"): Case("object", factory=_meeting, methods=("get", "post")),
    (TENANT, "orglife:leave_list"): Case("collection", factory=_leave_attendee),
    (TENANT, "orglife:leave_decide"): Case(
        "object", factory=_leave_attendee, methods=("post",), exists=_still_requested
    ),
    (TENANT, "orglife:groups"): Case("object", factory=_branch, methods=("get", "post")),
    # API
    (TENANT, "orglife-meeting-list"): Case("collection", factory=_meeting, methods=("get", "post")),
    (TENANT, "orglife-meeting-detail"): Case("object", factory=_meeting, methods=("get", "patch")),
    (TENANT, "orglife-meeting-cancel"): Case("object", factory=_meeting, methods=("post",), exists=_planned),
    (TENANT, "orglife-meeting-leave"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "orglife-leave-decide"): Case(
        "object", factory=_leave_attendee, methods=("post",), exists=_still_requested
    ),
    (TENANT, "orglife-mine"): Case("collection", factory=_my_meeting),
}
