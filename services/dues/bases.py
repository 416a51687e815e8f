"""Each member's dues category and monthly base (党费基数, docs/dues.md "Bases and my dues").

A ``Base`` row says "from this month on": the base for a month is the latest row starting on or
before it. The base is fixed at the start of the year (a row from January); a change of pay takes
effect from the month it changes (the 2008 regulation, 第十条), as a new row from that month.

Rules of a base, one place for the page, the API, the payroll import and a confirmed declaration
(``base_problems``): money is ``Decimal`` to the fen, never negative, at most 1,000,000 yuan a
month; the percentage categories need a base and the flat ones (students, the unemployed, people on
relief: ``FLAT_CATEGORIES``) are refused one — a base typed for a student is more likely a wrong
category than a number to ignore; the month starts on its first day and is after the last closed
dues month (a closed month's bills are final, 该月党费已结账). Only managers of the member's branch
set a base (``can_manage_bases``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.scope import can_manage, require_manage, scope_for

from .audit_events import EVENT_BASE_SET
from .calculation import FEN, MissingBase, Tariff
from .models import FLAT_CATEGORIES, Base, Category, Month

MAX_MONTHLY_BASE = Decimal("1000000")


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def month_label(day: date) -> str:
    return _("%(year)s年%(month)s月") % {"year": day.year, "month": day.month}


def money_problem(value: Decimal) -> str:
    """What is wrong with an amount of money (a monthly base), in Chinese; "" when nothing."""
    if not value.is_finite():
        return _("请填写有效的金额。")
    if value < 0:
        return _("金额不能为负数。")
    if value > MAX_MONTHLY_BASE:
        return _("金额超过每月 1,000,000 元，请核对（单位为元，按月计）。")
    if value != value.quantize(FEN):
        return _("金额最多精确到分（小数点后两位）。")
    return ""


def money_parse(text: str) -> Decimal:
    """A typed amount ("4,200.50", "4200", "￥4200") as ``Decimal``; ValidationError in Chinese."""
    cleaned = str(text).strip().replace(",", "").replace("，", "").lstrip("¥￥").removesuffix("元").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("“%(text)s”不是金额，请填写数字，例如 4200.00。") % {"text": text}) from None
    problem = money_problem(value)
    if problem:
        raise ValidationError(problem)
    return value.quantize(FEN)


def last_closed_month() -> date | None:
    """The first day of the latest closed dues month (None: none closed yet)."""
    month = Month.objects.filter(status=Month.Status.CLOSED).order_by("-year", "-month").first()
    return date(month.year, month.month, 1) if month else None


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class BaseInput:
    """A base as typed: checked by ``base_problems`` before anything is written."""

    category: str
    monthly_base: Decimal | None
    starts_on: date


def base_problems(data: BaseInput, *, closed_through: date | None) -> dict[str, str]:
    """Every problem of ``data`` by field ("category", "monthly_base", "starts_on"), in Chinese.
    ``closed_through``: the latest closed month (``last_closed_month``), read once by a caller
    checking many rows."""
    problems: dict[str, str] = {}
    if data.category not in Category.values:
        problems["category"] = _("请选择交纳类别。")
    elif data.category in FLAT_CATEGORIES and data.monthly_base is not None:
        problems["monthly_base"] = _("“%(category)s”每月交纳固定金额，不填写月交纳基数；如类别有误请改正类别。") % {
            "category": Category(data.category).label
        }
    elif data.category not in FLAT_CATEGORIES and data.monthly_base is None:
        problems["monthly_base"] = _("“%(category)s”按月交纳基数计算党费，请填写月交纳基数。") % {
            "category": Category(data.category).label
        }
    if data.monthly_base is not None and money_problem(data.monthly_base):
        problems["monthly_base"] = money_problem(data.monthly_base)
    if data.starts_on.day != 1:
        problems["starts_on"] = _("起始月份须为某月的 1 日（基数按整月生效）。")
    elif closed_through is not None and data.starts_on <= closed_through:
        problems["starts_on"] = _("该月党费已结账：%(closed)s及以前的月份不能再变更基数，请从%(next)s起设置。") % {
            "closed": month_label(closed_through),
            "next": month_label(_next_month(closed_through)),
        }
    return problems


def can_manage_bases(*, acting_user: Any, member: Member) -> bool:
    """Managers of the member's branch (secretaries, the organization commissioner, unit admins above)."""
    return can_manage(acting_user=acting_user, unit=member.branch)


def base_in_force(*, member: Member, on: date) -> Base | None:
    """The base that applies to the month of ``on`` (the latest starting on or before it)."""
    return member.dues_bases.filter(starts_on__lte=first_of_month(on)).order_by("-starts_on").first()


def base_history(*, member: Member) -> list[Base]:
    return list(member.dues_bases.select_related("created_by").order_by("-starts_on"))


def _snapshot(base: Base | None) -> dict[str, Any] | None:
    if base is None:
        return None
    return {
        "category": base.category,
        "monthly_base": None if base.monthly_base is None else str(base.monthly_base),
        "starts_on": base.starts_on.isoformat(),
        "source": base.source,
    }


def base_set(
    *,
    acting_user: Any,
    member: Member,
    category: str,
    monthly_base: Decimal | None,
    starts_on: date,
    note: str = "",
    source: str = Base.Source.MANUAL,
) -> Base:
    """Set ``member``'s category and base from the month of ``starts_on`` on (a row of that month
    is replaced). Refused (ValidationError by field, in Chinese) for a bad amount, a missing or
    superfluous base, a month not starting on its first day or already closed."""
    require_manage(acting_user=acting_user, unit=member.branch, message=_("您无权设置“%(unit)s”党员的党费基数。"))
    if member.status in OFF_ROLL_STATUSES:
        raise ValidationError(_("%(name)s 已不在党员名册中，不能设置党费基数。") % {"name": member.name})
    data = BaseInput(category=category, monthly_base=monthly_base, starts_on=starts_on)
    with transaction.atomic():
        # The months from the start on stay as they are (not closed) until this commit.
        list(Month.objects.select_for_update().filter(year__gte=starts_on.year).values_list("pk", flat=True))
        problems = base_problems(data, closed_through=last_closed_month())
        if problems:
            raise ValidationError(problems)
        before = Base.objects.select_for_update().filter(member=member, starts_on=starts_on).first()
        snapshot = _snapshot(before)
        base = before or Base(member=member, starts_on=starts_on)
        base.category = category
        base.monthly_base = None if monthly_base is None else monthly_base.quantize(FEN)
        base.source = source
        base.note = note[:200]
        base.created_by = acting_user if getattr(acting_user, "pk", None) else None
        base.save()
        audit_record(event=EVENT_BASE_SET, actor=acting_user, target=member, before=snapshot, after=_snapshot(base))
    return base


@dataclass(frozen=True)
class BaseRow:
    """One member on a branch's bases list: the base in force this month and what it comes to."""

    member: Member
    base: Base | None
    amount: Decimal | None
    explanation: str


def managed_members(*, acting_user: Any) -> QuerySet[Member]:
    """The members on the roll whose base ``acting_user`` may set."""
    if not scope_for(acting_user).is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能管理党费基数。"))
    return (
        Member.objects.filter(scope_for(acting_user).members_q(manage=True))
        .exclude(status__in=OFF_ROLL_STATUSES)
        .select_related("branch")
    )


def bases_list(
    *, acting_user: Any, unit_id: int | None = None, category: str = "", missing: bool = False, on: date | None = None
) -> list[BaseRow]:
    """The managed members (of one branch when ``unit_id``) with the base in force on ``on``
    (this month), filtered by category or to those without a base; with the month's amount."""
    month = first_of_month(on or timezone.localdate())
    latest = Base.objects.filter(member=OuterRef("pk"), starts_on__lte=month).order_by("-starts_on").values("pk")[:1]
    members = (
        managed_members(acting_user=acting_user).annotate(base_id=Subquery(latest)).order_by("branch__name", "name")
    )
    if unit_id is not None:
        members = members.filter(branch_id=unit_id)
    if missing:
        members = members.filter(base_id__isnull=True)
    chosen = list(members[:2000])
    bases = Base.objects.in_bulk([m.base_id for m in chosen if m.base_id])  # type: ignore[attr-defined]
    tariff = Tariff.on(month)
    rows = []
    for member in chosen:
        base = bases.get(member.base_id)  # type: ignore[attr-defined]
        if category and (base is None or base.category != category):
            continue
        try:
            amount = tariff.amount(base.category, base.monthly_base) if base else None
        except MissingBase:  # a row written outside the service (the database allows it)
            amount = None
        rows.append(BaseRow(member, base, amount.amount if amount else None, amount.explain() if amount else ""))
    return rows
