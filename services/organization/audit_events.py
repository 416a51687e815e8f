"""The audit events of the organization tree (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

ORG_UNIT_CHANGED = declare(
    "org.changed", label=_("调整组织"), detail="change: what was done; unit: its id; before/after: the fields"
)
