"""Leave (请假) from a meeting: a person on its list asks with a reason before it starts, a manager
of the meeting's unit approves or refuses. Approved leave is not an absence (``Attendee.excused``);
a refused or undecided request is, if the person does not come.

Asking again before the meeting changes the reason and puts the request back to be decided (an
earlier decision was about the earlier reason). Both writes are one audited transaction each.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.scope import require_manage

from .audit_events import EVENT_LEAVE_DECIDED, EVENT_LEAVE_REQUESTED
from .minutes import require_attendance_open
from .models import Attendee, Meeting
from .services import NOT_YOURS

DECISIONS = (Attendee.Leave.APPROVED, Attendee.Leave.REFUSED)


def own_attendee_q(user: Any, prefix: str = "") -> Q:
    """A filter on attendee rows that are ``user``'s own: their member record's, or as an invitee
    their development dossier's."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}member__user_id": user_id}) | Q(**{f"{prefix}dossier__user_id": user_id})


def leave_request(*, acting_user: Any, attendee: Attendee, reason: str) -> Attendee:
    """``acting_user`` asks for leave from the meeting ``attendee`` is on: their own row only,
    before the meeting starts, not after checking in."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写请假事由。")})
    with transaction.atomic():
        locked = Attendee.objects.select_for_update().select_related("meeting").filter(pk=attendee.pk).first()
        if locked is None or not Attendee.objects.filter(own_attendee_q(acting_user), pk=attendee.pk).exists():
            raise PermissionDenied(_("只能为自己请假。"))
        meeting = locked.meeting
        if meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("这次会议已取消，无需请假。"))
        if meeting.starts_at <= timezone.now():
            raise ValidationError(_("会议已经开始，不能再请假；如有特殊情况请直接联系支部书记。"))
        if locked.checked_in_at is not None:
            raise ValidationError(_("您已签到，不能再请假。"))
        before = {"leave": locked.leave, "reason": locked.leave_reason}
        locked.leave = Attendee.Leave.REQUESTED
        locked.leave_reason = reason.strip()
        locked.leave_decided_by = None
        locked.leave_decided_at = None
        locked.save(update_fields=["leave", "leave_reason", "leave_decided_by", "leave_decided_at"])
        audit_record(
            event=EVENT_LEAVE_REQUESTED,
            actor=acting_user,
            target=meeting,
            before=before if before["leave"] else None,
            after={"attendee": locked.pk, "name": locked.name, "reason": locked.leave_reason},
        )
    return locked


def leave_decide(*, acting_user: Any, attendee: Attendee, decision: str) -> Attendee:
    """A manager of the meeting's unit approves (``approved``) or refuses (``refused``) a request.
    A decision may be changed until the meeting is cancelled; there must have been a request."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("请选择准假或不准假。")})
    require_manage(acting_user=acting_user, unit=attendee.meeting.unit, message=NOT_YOURS)
    with transaction.atomic():
        locked = Attendee.objects.select_for_update().select_related("meeting").get(pk=attendee.pk)
        if locked.meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("这次会议已取消，无需审批请假。"))
        require_attendance_open(locked.meeting)
        if not locked.leave:
            raise ValidationError(_("%(name)s 没有请假。") % {"name": locked.name})
        if locked.checked_in_at is not None and decision == Attendee.Leave.APPROVED:
            raise ValidationError(_("%(name)s 已签到到会，不能准假。") % {"name": locked.name})
        before = {"leave": locked.leave}
        locked.leave = decision
        locked.leave_decided_by = acting_user
        locked.leave_decided_at = timezone.now()
        locked.save(update_fields=["leave", "leave_decided_by", "leave_decided_at"])
        audit_record(
            event=EVENT_LEAVE_DECIDED,
            actor=acting_user,
            target=locked.meeting,
            before=before,
            after={"attendee": locked.pk, "name": locked.name, "leave": decision},
        )
    return locked
