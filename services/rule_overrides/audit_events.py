"""The audit events of the institution's rule overrides (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

RULE_OVERRIDDEN = declare(
    "rule.overridden", label=_("调整规则"), detail="standard_value: the rule's value without the override"
)
