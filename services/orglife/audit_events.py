"""The audit events of organizational life (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_MEETING_CREATED = declare(
    "meeting.created", label=_("新建会议"), detail="after: unit, kind, starts_at, topic, should_attend"
)
EVENT_MEETING_UPDATED = declare(
    "meeting.updated", label=_("修改会议"), detail="before/after: the changed fields (topic, time, place, people)"
)
EVENT_MEETING_CANCELLED = declare("meeting.cancelled", label=_("取消会议"), detail="after: reason")
EVENT_LEAVE_REQUESTED = declare(
    "meeting.leave_requested", label=_("会议请假"), detail="after: attendee, name, reason (before: the earlier reason)"
)
EVENT_LEAVE_DECIDED = declare(
    "meeting.leave_decided", label=_("审批会议请假"), detail="before/after: leave state; after: attendee, name"
)
EVENT_PARTY_GROUP_ASSIGNED = declare(
    "party_group.assigned", label=_("调整党小组"), detail="after: branch, group, members (before: their groups)"
)
