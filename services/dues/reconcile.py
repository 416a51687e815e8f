"""Reconciliation (对账, docs/dues.md "Paying online"): a provider's daily statement matched to the
ledger, the differences kept as ``Mismatch`` lines for the organization commissioner:

- **paid, not recorded**: on the statement, no payment entry carries its transaction (and no
  line already explains it: not booked, transferred out…);
- **amount differs**: the entries of its transaction add up to another amount;
- **recorded, not paid**: an order paid that day (by its callback) that the statement does not have.

Set-based: the statement is held in dicts, the ledger read with one grouped query per batch of
transactions, never a query per line (50,000 lines in well under five seconds, bench/).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.scope import scope_for

from .audit_events import EVENT_STATEMENT_IMPORTED
from .models import PaymentOrder
from .payments.alipay import parse_business_detail
from .payments.base import PaymentError, StatementLine
from .payments.models import Mismatch, Statement
from .payments.sandbox import parse_sandbox_statement
from .payments.wechat import parse_trade_bill

BATCH = 10_000
CHINA = ZoneInfo("Asia/Shanghai")


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # the providers' downloads are often GBK


PARSERS: dict[str, Callable[[str], list[StatementLine]]] = {
    "wechat": parse_trade_bill,
    "alipay": parse_business_detail,
    "sandbox": parse_sandbox_statement,
}


def parse(provider: str, data: bytes) -> list[StatementLine]:
    if provider not in PARSERS:
        raise ValidationError(_("不支持的支付渠道。"), code="provider")
    try:
        return PARSERS[provider](_text(data))
    except (PaymentError, KeyError, ValueError) as exc:
        raise ValidationError(_("对账单格式不正确，请上传支付渠道下载的原始账单文件。"), code="format") from exc


def _batches(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _recorded(provider: str, txns: list[str]) -> dict[str, Decimal]:
    """What the ledger holds per transaction (positive), one grouped query per batch (an array
    parameter: ``IN`` with ten thousand placeholders costs more to build than to run)."""
    found: dict[str, Decimal] = {}
    with connection.cursor() as cursor:
        for batch in _batches(txns):
            cursor.execute(
                "SELECT reference, -SUM(amount) FROM dues_entry"
                " WHERE method = %s AND kind = 'payment' AND reference = ANY(%s) GROUP BY reference",
                [provider, batch],
            )
            found.update(cursor.fetchall())
    return found


def _explained(provider: str, txns: list[str]) -> set[str]:
    """Transactions that already have a line (not booked, transferred out, …)."""
    found: set[str] = set()
    with connection.cursor() as cursor:
        for batch in _batches(txns):
            cursor.execute(
                "SELECT provider_txn FROM dues_mismatch WHERE provider = %s AND provider_txn = ANY(%s)",
                [provider, batch],
            )
            found.update(txn for (txn,) in cursor.fetchall())
    return found


def _orders(numbers: list[str]) -> dict[str, PaymentOrder]:
    found: dict[str, PaymentOrder] = {}
    for start in range(0, len(numbers), BATCH):
        batch = PaymentOrder.objects.select_related("member").filter(out_trade_no__in=numbers[start : start + BATCH])
        found.update({order.out_trade_no: order for order in batch})
    return found


def _line(kind: str, statement: Statement, *, txn: str, no: str, expected: Any, received: Any) -> Mismatch:
    return Mismatch(
        kind=kind,
        provider=statement.provider,
        out_trade_no=no,
        provider_txn=txn,
        expected=expected,
        received=received,
        statement=statement,
        key=f"{kind}:{statement.provider}:{txn or no}",
    )


def match(statement: Statement, lines: list[StatementLine]) -> list[Mismatch]:
    """The mismatch lines of ``statement`` (not yet saved)."""
    by_txn = {line.txn: line for line in lines}
    txns = list(by_txn)
    recorded, explained = _recorded(statement.provider, txns), _explained(statement.provider, txns)
    out: list[Mismatch] = []
    for txn, line in by_txn.items():
        if txn in explained:
            continue
        if txn not in recorded:
            out.append(
                _line(
                    Mismatch.Kind.PAID_NOT_RECORDED,
                    statement,
                    txn=txn,
                    no=line.out_trade_no,
                    expected=None,
                    received=line.amount,
                )
            )
        elif recorded[txn] != line.amount:
            out.append(
                _line(
                    Mismatch.Kind.AMOUNT_DIFFERS,
                    statement,
                    txn=txn,
                    no=line.out_trade_no,
                    expected=recorded[txn],
                    received=line.amount,
                )
            )
    start = datetime.combine(statement.day, time.min, tzinfo=CHINA)
    paid = PaymentOrder.objects.filter(
        provider=statement.provider,
        status=PaymentOrder.Status.PAID,
        paid_at__gte=start,
        paid_at__lt=start + timedelta(days=1),
    ).values_list("out_trade_no", "provider_txn", "amount")
    for no, txn, amount in paid:
        if txn not in by_txn and txn not in explained:
            out.append(
                _line(Mismatch.Kind.RECORDED_NOT_PAID, statement, txn=txn, no=no, expected=amount, received=None)
            )
    orders = _orders([m.out_trade_no for m in out if m.out_trade_no])
    for mismatch in out:
        order = orders.get(mismatch.out_trade_no)
        if order is not None:
            mismatch.order, mismatch.member, mismatch.unit_id = order, order.member, order.member.branch_id
    return out


def statement_import(*, acting_user: Any, provider: str, day: date, data: bytes, filename: str = "") -> Statement:
    """Import ``provider``'s statement of ``day`` and record its mismatches (a re-import adds only
    what is new)."""
    if not scope_for(acting_user).is_manager:
        raise PermissionDenied(_("只有党组织的管理人员可以导入对账单。"))
    lines = parse(provider, data)
    with transaction.atomic():
        statement = Statement.objects.create(
            provider=provider,
            day=day,
            filename=filename[:200],
            lines=len(lines),
            total=sum((line.amount for line in lines), Decimal("0.00")),
            imported_by=acting_user,
        )
        found = match(statement, lines)
        created = Mismatch.objects.bulk_create(found, ignore_conflicts=True, batch_size=2000)
        statement.mismatches = len(found)
        statement.save(update_fields=["mismatches"])
        audit_record(
            event=EVENT_STATEMENT_IMPORTED,
            actor=acting_user,
            target=statement,
            after={
                "provider": provider,
                "day": day.isoformat(),
                "lines": len(lines),
                "total": str(statement.total),
                "mismatches": len(created),
            },
        )
    return statement


def mismatches_for(acting_user: Any) -> Any:
    """The reconciliation lines the user may see: their managed branches' (and, for those who manage
    the whole institution, the lines of no member)."""
    scope = scope_for(acting_user)
    if not scope.is_manager:
        raise PermissionDenied(_("只有党组织的管理人员可以查看支付对账。"))
    lines = Mismatch.objects.select_related("member", "unit", "order").order_by("-created_at", "-id")
    if scope.everything:
        return lines
    return lines.filter(scope.units_q("unit__", manage=True))
