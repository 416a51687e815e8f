"""The audit events of standardized-branch building (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

SYSTEM_CREATED = declare(
    "standards.system_created", label=_("新建指标体系"), detail="after: name, kind, year, version; from: based_on id"
)
SYSTEM_CHANGED = declare(
    "standards.system_changed", label=_("修改指标体系"), detail="before/after: the settings changed"
)
SYSTEM_DELETED = declare("standards.system_deleted", label=_("删除指标体系草稿"), detail="before: name, year, version")
SYSTEM_PUBLISHED = declare(
    "standards.system_published", label=_("发布指标体系"), detail="after: name, kind, year, version, nodes"
)
SYSTEM_IMPORTED = declare(
    "standards.system_imported", label=_("导入指标体系"), detail="after: name, year, nodes; filename"
)
NODE_ADDED = declare("standards.node_added", label=_("添加指标"), detail="after: kind, title, points, rule")
NODE_CHANGED = declare("standards.node_changed", label=_("修改指标"), detail="before/after: the fields changed")
NODE_REMOVED = declare(
    "standards.node_removed",
    label=_("删除指标"),
    detail="before: kind, title, points; removed: how many with its children",
)

# Branch assessments (institution schemas).
ASSESSMENT_STARTED = declare(
    "standards.assessment_started", label=_("开始支部自评"), detail="after: unit, year, system"
)
EVIDENCE_ADDED = declare(
    "standards.evidence_added", label=_("添加佐证材料"), detail="after: node, kind, title, filename or link"
)
EVIDENCE_REMOVED = declare("standards.evidence_removed", label=_("删除佐证材料"), detail="before: node, kind, title")
NOTE_SAVED = declare("standards.note_saved", label=_("填写自评说明"), detail="before/after: the note of one item")
ASSESSMENT_SUBMITTED = declare(
    "standards.assessment_submitted", label=_("提交支部自评"), detail="after: status, score, grade"
)
ASSESSMENT_APPROVED = declare(
    "standards.assessment_approved", label=_("审核通过支部考评"), detail="before/after: status; score, grade, comment"
)
ASSESSMENT_RETURNED = declare(
    "standards.assessment_returned", label=_("退回支部考评"), detail="before/after: status; comment"
)
SPOT_CHECK_DRAWN = declare(
    "standards.spot_check_drawn", label=_("抽取抽查支部"), detail="after: year, how many; units: institution and path"
)
SPOT_CHECK_RECORDED = declare(
    "standards.spot_check_recorded", label=_("记录抽查结果"), detail="before/after: check score, comment"
)
