"""The audit events of party dues (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

# The month and the ledger (months.py, ledger.py, services.py)
EVENT_MONTH_OPENED = declare(
    "dues.month_opened", label=_("党费开账"), detail="after: year, month, bills, amount, missing_base, skipped"
)
EVENT_MONTH_BILLED = declare(
    "dues.month_billed", label=_("党费补开"), detail="after: year, month, bills added, amount, missing_base"
)
EVENT_MONTH_CLOSED = declare(
    "dues.month_closed", label=_("党费结账"), detail="after: year, month, billed, paid, outstanding"
)
EVENT_YEAR_CLOSED = declare("dues.year_closed", label=_("党费年度结账"), detail="after: year")
EVENT_PAYMENT_RECORDED = declare(
    "dues.payment_recorded",
    label=_("登记党费交纳"),
    detail="after: member, months, amount, method, reference, paid_by_name, entries",
)
EVENT_PAYMENT_REFUSED = declare(
    "dues.payment_refused", label=_("拒绝登记党费"), detail="after: member, reason (status, amount), months, amount"
)
EVENT_VOLUNTARY_RECORDED = declare(
    "dues.voluntary_recorded", label=_("登记自愿多交党费"), detail="after: member, amount, remit_upward, reference"
)
EVENT_REFUND_RECORDED = declare(
    "dues.refund_recorded", label=_("登记党费退款"), detail="after: member, year, month, amount, reason"
)
EVENT_ENTRY_REVERSED = declare(
    "dues.entry_reversed", label=_("党费冲正"), detail="after: entry reversed, reversal, corrected bill, reason"
)
EVENT_BRANCH_SETTINGS = declare(
    "dues.branch_settings", label=_("设置支部党费交纳方式"), detail="before/after: quarterly"
)
EVENT_EXPORTED = declare("dues.exported", label=_("导出党费表"), detail="after: unit, year, month (empty: the year)")
