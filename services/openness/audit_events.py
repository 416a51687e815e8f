"""The audit events of the 党务公开 board (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_ITEM_PUBLISHED = declare(
    "openness.item_published",
    label=_("发布党务公开"),
    detail="after: kind, unit (empty: the institution), title, source_key, published_on, ends_on",
)
EVENT_ITEM_REPUBLISHED = declare(
    "openness.item_republished",
    label=_("更新党务公开"),
    detail="before/after: title, body length, link, published_on, ends_on (the same source published again)",
)
EVENT_ITEM_WITHDRAWN = declare(
    "openness.item_withdrawn", label=_("撤回党务公开"), detail="after: reason; detail: kind, unit, title"
)
