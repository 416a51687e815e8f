"""The audit events of the working-day calendar (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_PUBLISHED = declare(
    "workdays.published", label=_("发布工作日历"), detail="before/after: source and number of days of the year"
)
