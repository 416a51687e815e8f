"""Reminder sources of party dues (services/reminders/registry.py; docs/dues.md).

- ``dues.arrears_member``: the member, once a month is over unpaid (the "1 month" reminder) and
  again at three consecutive months (the "3 months" one); the key names the run's first month
  and the step, so paying closes it and falling behind again is a new reminder;
- ``dues.arrears_branch``: the managers of the member's branch at five consecutive months;
- ``dues.arrears_case``: first opens the cases due (six months, ``dues.max_arrears_months``:
  ``arrears.arrears_cases_open``), then reminds the branch's managers of every open case until
  they close it;
- ``dues.disclosure_due``: in December, the managers of a branch that has published no
  disclosure for the year (collection and use are disclosed at least once a year).

Only once the institution uses dues (a month exists): nothing is due before.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from services.members.models import Member
from services.organization.models import OrgUnit
from services.reminders.recipients import managers, recipients, scan_memo
from services.reminders.registry import Due, reminder_source, url_maker
from services.rules.resolver import rule

from .arrears import CITATIONS, MAX_RULE, YearMonth, arrears_cases_open, unpaid_runs
from .disclosure_models import Disclosure
from .models import ArrearsCase, Month

MEMBER_STEPS = (3, 1)  # the member is told at 1 and again at 3 consecutive months
BRANCH_STEP = 5


def _label(ym: YearMonth) -> str:
    return f"{ym[0]}-{ym[1]:02d}"


def _runs(today: date) -> dict[int, list[YearMonth]]:
    """Every member's unpaid run: read from the whole ledger once per scan for the three arrears
    sources (the case source opens cases from the same answer)."""
    if not Month.objects.exists():
        return {}
    return scan_memo(("dues.unpaid_runs", today), lambda: unpaid_runs(today=today))


@reminder_source("dues.arrears_member")
def arrears_member(today: date) -> Iterator[Due]:
    runs = _runs(today)
    users = dict(Member.objects.filter(pk__in=list(runs), user__isnull=False).values_list("pk", "user_id"))
    for member_id, run in runs.items():
        if member_id not in users:
            continue
        step = next(s for s in MEMBER_STEPS if len(run) >= s)
        yield Due(
            key=f"dues.arrears_member:{member_id}:{_label(run[0])}:{step}",
            kind="dues.arrears_member",
            title=_("您已连续 %(count)s 个月未交纳党费（%(first)s 起）") % {"count": len(run), "first": _label(run[0])},
            due_on=today,
            recipient_ids=recipients([users[member_id]]),
            member_id=member_id,
        )


@reminder_source("dues.arrears_branch")
def arrears_branch(today: date) -> Iterator[Due]:
    runs = {pk: run for pk, run in _runs(today).items() if len(run) >= BRANCH_STEP}
    if not runs:
        return
    people = managers(on=today)
    rows = Member.objects.filter(pk__in=list(runs)).values_list("pk", "name", "branch_id", "branch__name")
    url = reverse("dues_arrears:list")
    for member_id, name, branch_id, branch_name in rows:
        run = runs[member_id]
        yield Due(
            key=f"dues.arrears_branch:{member_id}:{_label(run[0])}",
            kind="dues.arrears_branch",
            title=_("%(name)s 已连续 %(count)s 个月未交纳党费") % {"name": name, "count": len(run)},
            due_on=today,
            recipient_ids=people.of_unit(branch_id),
            url=url,
            detail=branch_name,
            member_id=member_id,
        )


@reminder_source("dues.arrears_case")
def arrears_case(today: date) -> Iterator[Due]:
    if not Month.objects.exists():
        return
    arrears_cases_open(today=today, runs=_runs(today))
    cases = ArrearsCase.objects.filter(status=ArrearsCase.Status.OPEN).values_list(
        "pk", "member_id", "member__name", "unit_id", "unit__name", "months"
    )
    if not cases:
        return
    people = managers(on=today)
    limit = rule(MAX_RULE, on=today)
    url = url_maker("dues_arrears:case")
    for pk, member_id, name, unit_id, unit_name, months in cases:
        yield Due(
            key=f"dues.arrears_case:{pk}",
            kind="dues.arrears_case",
            title=_("%(name)s 连续 %(count)s 个月未交纳党费，请支部谈话并记录处理结果")
            % {"name": name, "count": len(months)},
            due_on=today,
            recipient_ids=people.of_unit(unit_id),
            url=url(pk),
            rule_key=limit.key,
            citation=str(CITATIONS[0]),
            detail=unit_name,
            member_id=member_id,
        )


@reminder_source("dues.disclosure_due")
def disclosure_due(today: date) -> Iterator[Due]:
    if today.month != 12 or not Month.objects.filter(year=today.year).exists():
        return
    published = set(Disclosure.objects.filter(year=today.year).values_list("unit_id", flat=True))
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True).exclude(pk__in=published)
    people = managers(on=today)
    url = url_maker("dues_disclosure:unit")
    for unit_id, name in branches.values_list("pk", "name"):
        yield Due(
            key=f"dues.disclosure_due:{unit_id}:{today.year}",
            kind="dues.disclosure_due",
            title=_("%(unit)s尚未公开 %(year)s 年度党费收缴使用情况") % {"unit": name, "year": today.year},
            due_on=date(today.year, 12, 31),
            recipient_ids=people.of_unit(unit_id),
            url=url(unit_id),
            detail=name,
        )
