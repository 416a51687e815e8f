"""The audit events of organizational life (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_MEETING_CREATED = declare(
    "meeting.created", label=_("新建会议"), detail="after: unit, kind, starts_at, topic, should_attend"
)
EVENT_CALENDAR_ISSUED = declare(
    "meeting.calendar_issued", label=_("生成会议日历订阅地址"), detail="after: feed; before: the feed it replaced"
)
EVENT_CALENDAR_REVOKED = declare("meeting.calendar_revoked", label=_("停用会议日历订阅地址"), detail="before: feed")
