"""The audit events of party dues (services/kernel/audit_events.py). Each part of the dues work
keeps its declarations in its own block."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

# Paying online (orders, provider callbacks, reconciliation): services/dues/payments/, callbacks.py, reconcile.py
EVENT_ORDER_CREATED = declare(
    "dues.order_created", label=_("发起党费在线支付"), detail="after: out_trade_no, provider, amount, months"
)
EVENT_ONLINE_PAYMENT_RECORDED = declare(
    "dues.online_payment_recorded",
    label=_("党费在线支付入账"),
    detail="after: out_trade_no, provider, txn, amount, months",
)
EVENT_PAYMENT_MISMATCH = declare(
    "dues.payment_mismatch",
    label=_("党费支付对账差异"),
    detail="after: kind, provider, out_trade_no, txn, expected, received",
)
EVENT_CALLBACK_REFUSED = declare(
    "dues.callback_refused", label=_("拒绝支付回调"), detail="detail: provider, code (signature, stale, body…)"
)
EVENT_STATEMENT_IMPORTED = declare(
    "dues.statement_imported", label=_("导入支付对账单"), detail="after: provider, day, lines, total, mismatches"
)
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
# --- Part D: reductions, arrears cases, the use ledger, disclosure ------------------------------
EVENT_REDUCTION_REQUESTED = declare(
    "dues.reduction_requested", label=_("申请党费减免"), detail="after: member, kind, months, monthly_amount, reason"
)
EVENT_REDUCTION_DECIDED = declare(
    "dues.reduction_decided", label=_("审批党费减免"), detail="after: step (branch/committee), approved, note"
)
EVENT_REDUCTION_BOOKED = declare(
    "dues.reduction_booked", label=_("记入党费减免"), detail="after: reduction, months and amounts written"
)
EVENT_ARREARS_CASE_OPENED = declare(
    "dues.arrears_case_opened", label=_("欠缴党费立案"), detail="detail: member, unit, months (system, daily)"
)
EVENT_ARREARS_CASE_RECORDED = declare(
    "dues.arrears_case_recorded", label=_("记录欠缴党费谈话"), detail="after: talked_on, outcome, closed"
)
EVENT_USE_RECORDED = declare(
    "dues.use_recorded", label=_("记录党费使用"), detail="after: unit, spent_on, purpose, amount, voucher, corrects"
)
EVENT_DISCLOSURE_PUBLISHED = declare(
    "dues.disclosure_published", label=_("公开党费收缴使用情况"), detail="after: unit, year, totals"
)
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
