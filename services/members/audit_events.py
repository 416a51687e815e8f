"""The audit events of the member records (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

MEMBER_CREATED = declare("member.created", label=_("新建党员档案"), detail="nothing; the target is the record")
MEMBER_UPDATED = declare(
    "member.updated",
    label=_("修改党员档案"),
    detail="before/after: the changed fields; for a set of rows, rows (which) and count",
)
MEMBER_STATUS_CHANGED = declare(
    "member.status_changed", label=_("党籍状态变更"), detail="before/after: status and date; reason"
)
SENSITIVE_REVEALED = declare(
    "member.revealed",
    label=_("查看敏感信息"),
    detail="field revealed and reason; a transfer letter's download: action, letter",
)
MEMBERS_IMPORTED = declare("member.imported", label=_("导入党员"), detail="filename, rows, created, updated, unchanged")
MEMBERS_EXPORTED = declare(
    "member.exported", label=_("导出党员"), detail="format, sensitive, reason and the counts exported"
)
