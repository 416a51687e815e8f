"""The audit events of organizational life (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_MEETING_CREATED = declare(
    "meeting.created", label=_("新建会议"), detail="after: unit, kind, starts_at, topic, should_attend"
)
EVENT_PLAN_ACCEPTED = declare(
    "meeting.plan_accepted", label=_("采纳会议计划"), detail="after: year, meetings (each also meeting.created)"
)
EVENT_LIFE_SETTINGS_CHANGED = declare(
    "orglife.settings_changed", label=_("修改支部组织生活设置"), detail="before/after: theme_day_of_month"
)
