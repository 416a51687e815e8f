"""Arrears (欠缴党费, docs/dues.md "Reductions, arrears and disclosure"): how many months in a row
each member has left unpaid, and the case a branch handles at six.

A month counts once its calendar month is over: on 5 December the run ends at November (a month's
dues are paid within the month). The run is the consecutive unpaid months ending there
(``selectors.trailing_unpaid`` over ``selectors.outstanding_months``: the one definition of an
unpaid month); a month covered by an approved reduction or exemption (减免) breaks it, whether its
reduction entry is written yet or not — the member has an approved reason.

At ``dues.max_arrears_months`` (6; 党章 第九条) consecutive months an ``ArrearsCase`` opens for the
member's branch (``arrears_cases_open``, run by the morning reminder scan before its reminders;
one open case per member, a constraint). The branch talks with the member, records the date and
the outcome and closes it. Nothing here, nor anywhere in dues, changes the member's status: the
regulation leaves that to the branch's decision under the constitution's procedure.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.audit.services import audit_record, audit_record_many
from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.scope import can_manage, scope_for
from services.rules.resolver import rule

from .audit_events import EVENT_ARREARS_CASE_OPENED, EVENT_ARREARS_CASE_RECORDED
from .models import ArrearsCase, Reduction
from .selectors import outstanding_months, trailing_unpaid

YearMonth = tuple[int, int]
MAX_RULE = "dues.max_arrears_months"
# Shown on the case's page (docs/domain.md#dues).
CITATIONS = (
    gettext_lazy(
        "《中国共产党章程》第九条：党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，"
        "或不做党所分配的工作，就被认为是自行脱党。支部应当把这样的党员除名，并报上级党组织批准。"
    ),
    gettext_lazy(
        "《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）第十三条：对不按照规定交纳党费的党员，"
        "其所在党组织应及时对其进行批评教育，限期改正；对无正当理由，连续6个月不交纳党费的党员，按自行脱党处理。"
    ),
)


def month_before(day: date) -> YearMonth:
    """The last calendar month that is over on ``day``."""
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def step_back(ym: YearMonth) -> YearMonth:
    year, month = ym
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _index(ym: YearMonth) -> int:
    return ym[0] * 12 + ym[1] - 1


def covered_by_reductions(member_ids: list[int] | None = None) -> dict[int, set[YearMonth]]:
    """The months of each member covered by an approved reduction or exemption."""
    rows = Reduction.objects.filter(status=Reduction.Status.APPROVED)
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    covered: dict[int, set[YearMonth]] = defaultdict(set)
    for member_id, starts_on, ends_on in rows.values_list("member_id", "starts_on", "ends_on"):
        for i in range(_index((starts_on.year, starts_on.month)), _index((ends_on.year, ends_on.month)) + 1):
            covered[member_id].add((i // 12, i % 12 + 1))
    return covered


def unpaid_runs(*, today: date, member_ids: list[int] | None = None) -> dict[int, list[YearMonth]]:
    """Each member on the roll with unpaid months: the consecutive unpaid months (oldest first)
    ending with the last month that is over on ``today``; members with none are left out."""
    through = month_before(today)
    outstanding = outstanding_months(member_ids)
    on_roll = set(
        Member.objects.filter(pk__in=list(outstanding))
        .exclude(status__in=OFF_ROLL_STATUSES)
        .values_list("pk", flat=True)
    )
    covered = covered_by_reductions(sorted(on_roll))
    runs: dict[int, list[YearMonth]] = {}
    last = _index(through)
    for member_id in on_roll:
        excused = covered.get(member_id, set())
        months = [(y, m) for y, m in outstanding[member_id] if (y, m) not in excused and _index((y, m)) <= last]
        count = trailing_unpaid(months, through=through)
        if count:
            run: list[YearMonth] = []
            ym = through
            for _i in range(count):
                run.append(ym)
                ym = step_back(ym)
            runs[member_id] = run[::-1]
    return runs


def arrears_cases_open(*, today: date, runs: dict[int, list[YearMonth]] | None = None) -> list[ArrearsCase]:
    """Open a case for every member whose run reached ``dues.max_arrears_months`` and who has no
    open case (the system's write, audited in one batch). Idempotent: a second run the same day
    opens none; a closed case and a run still growing open no second one until the member has
    paid and fallen behind again (the run's first month is then later than the closed case's).
    ``runs``: ``unpaid_runs(today=today)`` when the caller has it already (the reminder scan)."""
    limit = rule(MAX_RULE, on=today).number
    every = unpaid_runs(today=today) if runs is None else runs
    runs = {member_id: run for member_id, run in every.items() if len(run) >= limit}
    if not runs:
        return []
    with transaction.atomic():
        handled = _already_handled(runs)
        fresh = [member_id for member_id in runs if member_id not in handled]
        branches = dict(Member.objects.filter(pk__in=fresh).values_list("pk", "branch_id"))
        ArrearsCase.objects.bulk_create(
            [
                ArrearsCase(member_id=member_id, unit_id=branches[member_id], months=[list(m) for m in runs[member_id]])
                for member_id in sorted(fresh)
            ],
            ignore_conflicts=True,
        )
        opened = list(ArrearsCase.objects.filter(member_id__in=fresh, status=ArrearsCase.Status.OPEN))
        if opened:
            audit_record_many(
                event=EVENT_ARREARS_CASE_OPENED,
                acting_user=None,
                targets=[(ArrearsCase._meta.label_lower, case.pk) for case in opened],
                detail={"rule": MAX_RULE, "limit": limit},
                per_target={
                    str(case.pk): {"member": case.member_id, "unit": case.unit_id, "months": case.months}
                    for case in opened
                },
            )
    return opened


def _already_handled(runs: dict[int, list[YearMonth]]) -> set[int]:
    """Members with an open case, or a closed one about this same run (its first month)."""
    handled: set[int] = set()
    for member_id, status, months in ArrearsCase.objects.filter(member_id__in=list(runs)).values_list(
        "member_id", "status", "months"
    ):
        if status == ArrearsCase.Status.OPEN or (months and tuple(months[0]) == runs[member_id][0]):
            handled.add(member_id)
    return handled


# --- the branch's handling ----------------------------------------------------------------------


def cases_visible(*, acting_user: Any) -> QuerySet[ArrearsCase]:
    """The cases of the units the user manages (a member sees none: the case is the branch's)."""
    scope = scope_for(acting_user)
    if not scope.is_manager:
        return ArrearsCase.objects.none()
    return (
        ArrearsCase.objects.filter(scope.units_q("unit__", manage=True))
        .select_related("member", "unit")
        .order_by("status", "-opened_at", "-pk")
    )


def case_get(*, acting_user: Any, pk: int) -> ArrearsCase:
    """One case the user manages; ArrearsCase.DoesNotExist otherwise (a 404)."""
    return cases_visible(acting_user=acting_user).get(pk=pk)


def case_record(
    *, acting_user: Any, case: ArrearsCase, talked_on: date | None, outcome: str, close: bool
) -> ArrearsCase:
    """Record the talk (date, outcome) and, with ``close``, close the case. The member's status
    is not touched (a decision about membership is the branch's, by its own procedure)."""
    if not can_manage(acting_user=acting_user, unit=case.unit):
        raise PermissionDenied(_("只有支部管理者可以处理欠缴党费事项。"))
    outcome = (outcome or "").strip()
    with transaction.atomic():
        case = ArrearsCase.objects.select_for_update().get(pk=case.pk)
        if case.status == ArrearsCase.Status.CLOSED:
            raise ValidationError(_("该事项已处理完毕，不能再修改。"))
        if talked_on is not None and talked_on > timezone.localdate():
            raise ValidationError({"talked_on": _("谈话日期不能晚于今天。")})
        if close and (talked_on is None or not outcome):
            raise ValidationError(_("办结前请填写谈话日期和处理结果。"))
        before = {"talked_on": str(case.talked_on or ""), "outcome": case.outcome, "status": case.status}
        case.talked_on, case.outcome = talked_on, outcome
        fields = ["talked_on", "outcome"]
        if close:
            case.status, case.closed_by, case.closed_at = ArrearsCase.Status.CLOSED, acting_user, timezone.now()
            fields += ["status", "closed_by", "closed_at"]
        case.save(update_fields=fields)
        audit_record(
            event=EVENT_ARREARS_CASE_RECORDED,
            actor=acting_user,
            target=case,
            before=before,
            after={"talked_on": str(talked_on or ""), "outcome": outcome, "closed": close},
        )
    return case


def members_in_arrears(*, acting_user: Any, today: date) -> list[tuple[Member, list[YearMonth]]]:
    """The members the user manages with unpaid months, longest run first (the arrears page)."""
    scope = scope_for(acting_user)
    if not scope.is_manager:
        return []
    members = Member.objects.filter(scope.members_q(manage=True)).exclude(status__in=OFF_ROLL_STATUSES)
    ids = list(members.values_list("pk", flat=True))
    runs = unpaid_runs(today=today, member_ids=ids)
    people = {m.pk: m for m in Member.objects.filter(pk__in=list(runs)).select_related("branch")}
    return sorted(((people[pk], run) for pk, run in runs.items()), key=lambda row: (-len(row[1]), row[0].name))
