"""The audit events of the organization tree (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

ORG_UNIT_CHANGED = declare(
    "org.changed", label=_("调整组织"), detail="change: what was done; unit: its id; before/after: the fields"
)
GRANT_ADDED = declare(
    "org.grant_added",
    label=_("授予管理权限"),
    detail="unit: its id; after: the holder, the role and the days in force; the target is the grant",
)
GRANT_REVOKED = declare(
    "org.grant_revoked",
    label=_("撤销管理权限"),
    detail="unit: its id; before: the holder and the role; after: when; the target is the grant",
)
POWERS_EXPORTED = declare(
    "org.powers_exported",
    label=_("导出权限一览"),
    detail="format, unit (id or null), role (or empty) and count of lines exported",
)
