"""The audit events of organizational life (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_MEETING_CREATED = declare(
    "meeting.created", label=_("新建会议"), detail="after: unit, kind, starts_at, topic, should_attend"
)
# Minutes (minutes.py)
EVENT_MINUTES_STARTED = declare("minutes.started", label=_("开始记录会议纪要"), detail="after: meeting, template")
EVENT_MINUTES_UPDATED = declare(
    "minutes.updated", label=_("修改会议纪要"), detail="after: sections and records changed"
)
EVENT_MINUTES_ATTACHED = declare("minutes.attached", label=_("上传纪要附件"), detail="after: filename, size, step")
EVENT_MINUTES_DETACHED = declare("minutes.detached", label=_("删除纪要附件"), detail="before: filename")
EVENT_MINUTES_CONFIRMED = declare("minutes.confirmed", label=_("确认会议纪要"), detail="after: role (host/recorder)")
EVENT_MINUTES_FINALIZED = declare("minutes.finalized", label=_("会议纪要定稿"), detail="after: attendance summary")
EVENT_MINUTES_ADDENDUM = declare("minutes.addendum_added", label=_("添加纪要补充说明"), detail="after: text")
EVENT_LOCAL_MEETING_STEP = declare(
    "minutes.local_step_saved", label=_("设置本校会议步骤"), detail="after: title, after_step, active"
)
EVENT_CALENDAR_ISSUED = declare(
    "meeting.calendar_issued", label=_("生成会议日历订阅地址"), detail="after: feed; before: the feed it replaced"
)
EVENT_CALENDAR_REVOKED = declare("meeting.calendar_revoked", label=_("停用会议日历订阅地址"), detail="before: feed")
EVENT_APPRAISAL_OPENED = declare(
    "appraisal.opened", label=_("开始民主评议"), detail="after: branch, year, rating_closes_on, subjects"
)
EVENT_APPRAISAL_SELF = declare("appraisal.self_submitted", label=_("提交个人自评"), detail="after: appraisal")
EVENT_APPRAISAL_RATED = declare(
    "appraisal.rated", label=_("提交民主评议互评"), detail="after: appraisal, rated (how many; never the grades)"
)
EVENT_APPRAISAL_CONCLUDED = declare(
    "appraisal.concluded", label=_("作出民主评议结论"), detail="after: appraisal, counts per grade"
)
EVENT_LIFE_NOTE_SAVED = declare(
    "meeting.life_note_saved", label=_("记录批评与自我批评"), detail="after: meeting, member, fields changed"
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
EVENT_ATTENDANCE_MARKED = declare(
    "meeting.attendance_marked", label=_("补记签到"), detail="after: attendee, name, reason (the host's hand mark)"
)
EVENT_ATTENDANCE_UNMARKED = declare(
    "meeting.attendance_unmarked", label=_("撤销补记签到"), detail="before: attendee, name, reason"
)
EVENT_PLAN_ACCEPTED = declare(
    "meeting.plan_accepted", label=_("采纳会议计划"), detail="after: year, meetings (each also meeting.created)"
)
EVENT_LIFE_SETTINGS_CHANGED = declare(
    "orglife.settings_changed", label=_("修改支部组织生活设置"), detail="before/after: theme_day_of_month"
)
