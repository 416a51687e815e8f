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
