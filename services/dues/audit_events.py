"""The audit events of party dues (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

# Part C: bases, the payroll import, declarations (bases.py, payroll_import.py, declarations.py).
EVENT_BASE_SET = declare(
    "dues.base_set", label=_("设置党费基数"), detail="before/after: category, monthly_base, starts_on, source"
)
EVENT_BASES_IMPORTED = declare(
    "dues.bases_imported", label=_("导入工资表党费基数"), detail="filename, rows, created, updated, unchanged"
)
EVENT_BASE_DECLARED = declare(
    "dues.base_declared", label=_("申报党费基数变更"), detail="after: monthly_base, starts_on, reason"
)
EVENT_DECLARATION_DECIDED = declare(
    "dues.declaration_decided", label=_("处理党费基数申报"), detail="after: status, note, base"
)
