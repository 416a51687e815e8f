"""Reductions and exemptions (党费减免): a member, or a manager of their branch, asks for some
months; the branch approves, then the higher committee (the managers of the branch's parent
unit: ``committee_unit``); either may refuse, each step with its date and note.

On the committee's approval a ``reduction`` entry is written for every month of the range already
billed: the bill minus the reduced monthly amount (the whole bill for an exemption), less what
was reduced before, booked in the open month (``selectors.open_month_for_booking``). A month
billed later gets its reduction when billed: the month opening asks ``reductions_for`` and writes
``reduction_amount`` with ``terms.idempotency_key`` (the same key this module uses, so a month is
never reduced twice). A range that touches a closed month is refused when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.kernel.bulk import insert_many
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import can_manage, scope_for

from .audit_events import EVENT_REDUCTION_BOOKED, EVENT_REDUCTION_DECIDED, EVENT_REDUCTION_REQUESTED
from .models import Entry, Month, Reduction
from .selectors import ZERO, member_months, open_month_for_booking
from .use import use_amount

PENDING = (Reduction.Status.BRANCH, Reduction.Status.COMMITTEE)


@dataclass(frozen=True)
class Terms:
    """An approved reduction as the month opening needs it."""

    reduction_id: int
    kind: str
    monthly_amount: Decimal | None  # what is still due each month; None: exempt

    def idempotency_key(self, year: int, month: int) -> str:
        return f"reduction:{self.reduction_id}:{year}-{month:02d}"


def reduction_amount(terms: Terms, *, billed: Decimal, reduced: Decimal = ZERO) -> Decimal:
    """The (positive) amount to reduce a month's bill by; 0: nothing to write."""
    keep = ZERO if terms.kind == Reduction.Kind.EXEMPT else (terms.monthly_amount or ZERO)
    return max(billed - reduced - keep, ZERO)


def _first(day: date) -> date:
    return day.replace(day=1)


def _months(starts_on: date, ends_on: date) -> list[tuple[int, int]]:
    first, last = starts_on.year * 12 + starts_on.month - 1, ends_on.year * 12 + ends_on.month - 1
    return [(i // 12, i % 12 + 1) for i in range(first, last + 1)]


def reductions_for(member_ids: list[int] | None, year: int, month: int) -> dict[int, Terms]:
    """The approved reductions covering ``year``-``month`` of these members, or of everyone when
    ``member_ids`` is None (one query; the month opening asks for everyone: there are few
    reductions, and twenty thousand ids in the query cost more than reading them all)."""
    day = date(year, month, 1)
    rows = Reduction.objects.filter(status=Reduction.Status.APPROVED, starts_on__lte=day, ends_on__gte=day)
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    return {r.member_id: Terms(r.pk, r.kind, r.monthly_amount) for r in rows.order_by("requested_at")}


def reductions_book_with_bills(
    month: Month, bills: list[tuple[int, int, Decimal]], *, acting_user: Any
) -> list[tuple[Any, ...]]:
    """The month opening's part: for each new bill ``(member_id, unit_id, amount)`` covered by an
    approved reduction, its reduction entry, in the same INSERT shape as the bills (one query to
    find the reductions, one to write)."""
    terms = reductions_for(None, month.year, month.month)
    rows = []
    for member_id, unit_id, amount in bills:
        term = terms.get(member_id)
        cut = ZERO if term is None else reduction_amount(term, billed=amount)
        if term is not None and cut > 0:
            rows.append((member_id, unit_id, -cut, term.idempotency_key(month.year, month.month)))
    if not rows:
        return []
    members, units, amounts, keys = (list(column) for column in zip(*rows, strict=True))
    insert_many(
        Entry,
        constants={
            "kind": Entry.Kind.REDUCTION,
            "year": month.year,
            "month": month.month,
            "booked": month.pk,
            "created_by": getattr(acting_user, "pk", None),
        },
        columns={"member": members, "unit": units, "amount": amounts, "idempotency_key": keys},
    )
    return rows


def committee_unit(branch: OrgUnit) -> OrgUnit:
    """Who approves after the branch: the branch's parent unit (its own, when it has none)."""
    return branch.parent if branch.parent is not None else branch


# --- who may ---------------------------------------------------------------------------------------


def can_decide(*, acting_user: Any, reduction: Reduction) -> bool:
    """The pending step's deciders: the branch's managers, then the parent unit's (not the same person)."""
    branch = reduction.member.branch
    if reduction.status == Reduction.Status.BRANCH:
        return can_manage(acting_user=acting_user, unit=branch)
    if reduction.status == Reduction.Status.COMMITTEE:
        # Two approvals by two people: whoever decided the branch's step does not decide this one.
        if reduction.branch_decided_by_id is not None and reduction.branch_decided_by_id == acting_user.pk:
            return False
        return can_manage(acting_user=acting_user, unit=committee_unit(branch))
    return False


def reductions_visible(*, acting_user: Any) -> QuerySet[Reduction]:
    """The member's own requests, and those of the members whose branch the user manages."""
    scope = scope_for(acting_user)
    rows = Reduction.objects.select_related("member", "member__branch")
    if scope.everything:
        return rows
    condition = Q(member__user=acting_user) if acting_user.is_authenticated else Q(pk__in=[])
    if scope.managed_paths:
        condition |= scope.units_q("member__branch__", manage=True)
    return rows.filter(condition)


def reduction_get(*, acting_user: Any, pk: int) -> Reduction:
    """One request the user reads; Reduction.DoesNotExist otherwise (a 404)."""
    return reductions_visible(acting_user=acting_user).get(pk=pk)


# --- the request and the two decisions ------------------------------------------------------------


def reduction_request(
    *,
    acting_user: Any,
    member: Member,
    kind: str,
    starts_on: date,
    ends_on: date,
    reason: str,
    monthly_amount: Any = None,
) -> Reduction:
    """Ask for a reduction (``monthly_amount`` still due each month) or an exemption of the months
    from ``starts_on`` to ``ends_on`` (any day of each: the month counts)."""
    own = member.user_id is not None and member.user_id == getattr(acting_user, "pk", None)
    if not own and not can_manage(acting_user=acting_user, unit=member.branch):
        raise PermissionDenied(_("只有党员本人和支部管理者可以申请党费减免。"))
    starts_on, ends_on = _first(starts_on), _first(ends_on)
    amount = _check_request(member, kind, starts_on, ends_on, reason, monthly_amount)
    with transaction.atomic():
        reduction = Reduction.objects.create(
            member=member,
            kind=kind,
            monthly_amount=amount,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
            requested_by=acting_user,
        )
        audit_record(
            event=EVENT_REDUCTION_REQUESTED,
            actor=acting_user,
            target=reduction,
            after={
                "member": member.pk,
                "kind": kind,
                "months": [f"{y}-{m:02d}" for y, m in _months(starts_on, ends_on)],
                "monthly_amount": str(amount) if amount is not None else None,
                "reason": reduction.reason,
            },
        )
    return reduction


def _check_request(
    member: Member, kind: str, starts_on: date, ends_on: date, reason: str, monthly_amount: Any
) -> Decimal | None:
    if kind not in Reduction.Kind.values:
        raise ValidationError({"kind": _("请选择减交或免交。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写减免理由。")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("截止月份不能早于起始月份。")})
    if len(_months(starts_on, ends_on)) > 24:
        raise ValidationError({"ends_on": _("一次申请最多 24 个月。")})
    closed = [
        f"{y}-{m:02d}"
        for y, m in Month.objects.filter(status=Month.Status.CLOSED).values_list("year", "month")
        if starts_on <= date(y, m, 1) <= ends_on
    ]
    if closed:
        raise ValidationError(
            _("%(months)s 已结账，不能再申请减免；请从当前收缴中的月份起申请。") % {"months": "、".join(sorted(closed))}
        )
    overlapping = Reduction.objects.filter(
        member=member,
        status__in=[*PENDING, Reduction.Status.APPROVED],
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    )
    if overlapping.exists():
        raise ValidationError(_("这些月份已有待审批或已批准的减免申请。"))
    if kind == Reduction.Kind.EXEMPT:
        return None
    if monthly_amount in (None, ""):
        raise ValidationError({"monthly_amount": _("减交请填写减免后每月交纳的金额。")})
    try:
        return use_amount(monthly_amount)
    except ValidationError as error:
        raise ValidationError({"monthly_amount": error.message_dict["amount"]}) from None


def reduction_decide(*, acting_user: Any, reduction: Reduction, approve: bool, note: str = "") -> Reduction:
    """The branch's step, then the committee's: approve or refuse, with a note. The committee's
    approval writes the reduction entries of the months already billed."""
    note = (note or "").strip()
    with transaction.atomic():
        reduction = Reduction.objects.select_for_update().select_related("member__branch").get(pk=reduction.pk)
        if reduction.status not in PENDING:
            raise ValidationError(_("该申请已审批完毕。"))
        if not can_decide(acting_user=acting_user, reduction=reduction):
            raise PermissionDenied(_("您无权审批这一步：先由支部审批，再由上级党委的另一位负责人审批。"))
        if not approve and not note:
            raise ValidationError({"note": _("不批准时请填写意见。")})
        step = reduction.status
        now = timezone.now()
        if step == Reduction.Status.BRANCH:
            reduction.branch_decided_by, reduction.branch_decided_at, reduction.branch_note = acting_user, now, note
            reduction.status = Reduction.Status.COMMITTEE if approve else Reduction.Status.REFUSED
        else:
            reduction.committee_decided_by, reduction.committee_decided_at = acting_user, now
            reduction.decision_note = note
            reduction.status = Reduction.Status.APPROVED if approve else Reduction.Status.REFUSED
        reduction.save()
        audit_record(
            event=EVENT_REDUCTION_DECIDED,
            actor=acting_user,
            target=reduction,
            after={"step": step, "approved": approve, "note": note, "status": reduction.status},
        )
        if reduction.status == Reduction.Status.APPROVED:
            _book(acting_user, reduction)
    return reduction


def _book(acting_user: Any, reduction: Reduction) -> list[Entry]:
    """The reduction entries of the months already billed, in the open month."""
    terms = Terms(reduction.pk, reduction.kind, reduction.monthly_amount)
    wanted = set(_months(reduction.starts_on, reduction.ends_on))
    lines = [line for line in member_months(reduction.member) if (line.year, line.month) in wanted]
    amounts = {
        (line.year, line.month): reduction_amount(terms, billed=line.billed, reduced=line.reduced) for line in lines
    }
    amounts = {ym: amount for ym, amount in amounts.items() if amount > 0}
    if not amounts:
        return []
    booked = open_month_for_booking()
    keys = [terms.idempotency_key(y, m) for y, m in amounts]
    done = set(Entry.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    entries = Entry.objects.bulk_create(
        [
            Entry(
                member=reduction.member,
                unit=reduction.member.branch,
                kind=Entry.Kind.REDUCTION,
                year=y,
                month=m,
                booked=booked,
                amount=-amount,
                idempotency_key=terms.idempotency_key(y, m),
                note=reduction.reason[:200],
                created_by=acting_user,
            )
            for (y, m), amount in sorted(amounts.items())
            if terms.idempotency_key(y, m) not in done
        ]
    )
    audit_record(
        event=EVENT_REDUCTION_BOOKED,
        actor=acting_user,
        target=reduction,
        after={"booked": str(booked), "months": {f"{e.year}-{e.month:02d}": str(-e.amount) for e in entries}},
    )
    return entries
