"""The audit events of organizational life (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_MEETING_CREATED = declare(
    "meeting.created", label=_("新建会议"), detail="after: unit, kind, starts_at, topic, should_attend"
)
EVENT_ATTENDANCE_MARKED = declare(
    "meeting.attendance_marked", label=_("补记签到"), detail="after: attendee, name, reason (the host's hand mark)"
)
EVENT_ATTENDANCE_UNMARKED = declare(
    "meeting.attendance_unmarked", label=_("撤销补记签到"), detail="before: attendee, name, reason"
)
