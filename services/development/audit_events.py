"""The audit events of development work (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_DOSSIER_CREATED = declare(
    "development.dossier_created", label=_("建立发展档案"), detail="after: name, branch, applied_on"
)
EVENT_STEP_RECORDED = declare(
    "development.step_recorded", label=_("记录发展步骤"), detail="after: the step; documents: file names"
)
EVENT_STEP_REVIEWED = declare("development.step_reviewed", label=_("审核发展步骤"), detail="after: review, note")
EVENT_CONTACT_ASSIGNED = declare(
    "development.contact_assigned",
    label=_("确定培养联系人或入党介绍人"),
    detail="after: role, member, assigned_on",
)
EVENT_CONTACT_ENDED = declare(
    "development.contact_ended", label=_("解除培养联系人或入党介绍人"), detail="after: the contact's id"
)
EVENT_STAGE_ADVANCED = declare(
    "development.stage_advanced", label=_("发展阶段推进"), detail="before/after: stage; after: on"
)
EVENT_VOTE_OUTCOME = declare(
    "development.vote_outcome", label=_("表决结果记入发展档案"), detail="vote_id: the branch vote"
)
EVENT_PROBATION_EXTENDED = declare("development.probation_extended", label=_("延长预备期"), detail="reason, on")
EVENT_DOSSIER_ENDED = declare("development.dossier_ended", label=_("终止发展档案"), detail="reason")
EVENT_LOCAL_STEP_CHANGED = declare(
    "development.local_step_changed", label=_("调整本校发展步骤"), detail="before/after: title, after_step, active"
)
EVENT_DOCUMENT_OPENED = declare("development.document_opened", label=_("查看发展材料"), detail="dossier, filename")
