"""The audit events of study (services/kernel/audit_events.py). Heartbeats are not audited: they
are counted, and a count is not an act of anyone's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_COURSE_CREATED = declare("study.course_created", label=_("新建学习课程"), detail="after: title")
EVENT_MATERIAL_ADDED = declare(
    "study.material_added", label=_("上传学习资料"), detail="after: course, title, kind, length_minutes, size"
)
EVENT_PLAN_SAVED = declare("study.plan_saved", label=_("保存学习计划"), detail="after: year, group, title, materials")
EVENT_TRAINING_REPORTED = declare(
    "study.training_reported", label=_("报送校外培训"), detail="after: title, organizer, finished_on, class_hours"
)
EVENT_TRAINING_DECIDED = declare(
    "study.training_decided", label=_("审核校外培训"), detail="after: status (approved/returned), note"
)
