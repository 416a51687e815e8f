"""Reminder sources of the development pipeline (services/reminders/registry.py).

Each source reads one stage of the pipeline in one query (with subqueries for the steps it needs),
computes the due dates from the rule set, and yields the ones due within
``reminders.lead_days`` (30, the lead time every reminder source uses) or overdue, for the
managers of the person's branch (and, for the end of probation, the member themself):
- ``development.talk``: a talk with each applicant within ``development.application_talk_months``
  (1) of the application, until one is recorded;
- ``development.assessment``: each activist assessed every ``development.activist_assessment_months``
  (6) after the last assessment (or after becoming an activist);
- ``development.approval``: the higher committee's approval within ``development.approval_months``
  (3) of the admission vote, until it is recorded;
- ``development.probation_end``: the end of probation (``probation.months``, 12, plus any
  extension): the branch member meeting on confirmation is due.
The due dates are the guards' own deadlines (``talk_deadline``, ``assessment_deadline``,
``approval_deadline`` in guards.py; the stored ``probation_ends_on``, which ``probation_end``
set), with every rule resolved on the scan date (``RuleBook(fixed_on=today)``). Rejected steps do
not count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from services.reminders.recipients import managers
from services.reminders.registry import Due, reminder_source
from services.rules.resolver import RuleValue, rule

from . import guards as g
from .models import Dossier, DossierStep, Stage


def _scan_rules(today: date) -> tuple[date, g.RuleBook]:
    """The last due date listed today (``reminders.lead_days`` after it) and the guards' rule book
    fixed on the scan date, resolved now: the queries never depend on the rows."""
    book = g.RuleBook(fixed_on=today)
    book("probation.months", today)
    return today + timedelta(days=rule("reminders.lead_days", on=today).number), book


def _live_steps(code: str) -> QuerySet[DossierStep]:
    return DossierStep.objects.filter(dossier=OuterRef("pk"), code=code).exclude(review=DossierStep.Review.REJECTED)


def _url(pk: int) -> str:
    return reverse("development:dossier", args=[pk])


def _due(
    kind: str, row: Mapping[str, Any], due_on: date, title: str, cited: RuleValue, recipients: tuple[int, ...]
) -> Due:
    return Due(
        key=f"{kind}:{row['pk']}:{due_on.isoformat()}",
        kind=kind,
        title=title,
        due_on=due_on,
        recipient_ids=recipients,
        url=_url(int(row["pk"])),
        rule_key=cited.key,
        citation=cited.explanation,
        detail=str(row["branch__name"]),
        member_id=row.get("member_id"),
    )


@reminder_source("development.talk")
def talk_due(today: date) -> Iterator[Due]:
    horizon, book = _scan_rules(today)
    rows = (
        Dossier.objects.filter(stage=Stage.APPLICANT)
        .exclude(Exists(_live_steps("talk")))
        .values("pk", "name", "applied_on", "branch_id", "branch__name", "member_id")
    )
    people = managers(on=today)
    for row in rows:
        due_on, cited = g.talk_deadline(applied_on=row["applied_on"], rules=book)
        if due_on <= horizon:
            title = _("与入党申请人%(name)s谈话（%(applied)s 递交申请）") % {
                "name": row["name"],
                "applied": row["applied_on"].isoformat(),
            }
            yield _due("development.talk", row, due_on, title, cited, people.of_unit(row["branch_id"]))


@reminder_source("development.assessment")
def assessment_due(today: date) -> Iterator[Due]:
    horizon, book = _scan_rules(today)
    last_assessment = (
        _live_steps("activist_training").order_by().values("dossier").annotate(last=Max("occurred_on")).values("last")
    )
    rows = (
        Dossier.objects.filter(stage=Stage.ACTIVIST)
        .annotate(last_assessed=Subquery(last_assessment))
        .values("pk", "name", "applied_on", "activist_on", "last_assessed", "branch_id", "branch__name", "member_id")
    )
    people = managers(on=today)
    for row in rows:
        last = max(d for d in (row["activist_on"], row["last_assessed"], row["applied_on"]) if d is not None)
        due_on, cited = g.assessment_deadline(last_assessed_on=last, today=today, rules=book)
        if due_on <= horizon:
            title = _("考察入党积极分子%(name)s（上次 %(last)s）") % {"name": row["name"], "last": last.isoformat()}
            yield _due("development.assessment", row, due_on, title, cited, people.of_unit(row["branch_id"]))


@reminder_source("development.approval")
def approval_due(today: date) -> Iterator[Due]:
    horizon, book = _scan_rules(today)
    rows = (
        Dossier.objects.filter(stage=Stage.PROBATIONARY, admitted_on__isnull=False)
        .exclude(Exists(_live_steps("approval")))
        .values("pk", "name", "admitted_on", "branch_id", "branch__name", "member_id")
    )
    people = managers(on=today)
    for row in rows:
        admitted_on = cast(date, row["admitted_on"])  # not null: filtered
        due_on, cited = g.approval_deadline(admitted_on=admitted_on, rules=book)
        if due_on <= horizon:
            title = _("上级党委审批%(name)s入党（%(meeting)s 支部党员大会通过）") % {
                "name": row["name"],
                "meeting": admitted_on.isoformat(),
            }
            yield _due("development.approval", row, due_on, title, cited, people.of_unit(row["branch_id"]))


@reminder_source("development.probation_end")
def probation_end_due(today: date) -> Iterator[Due]:
    horizon, book = _scan_rules(today)
    cited = book("probation.months", today)
    rows = Dossier.objects.filter(
        stage=Stage.PROBATIONARY, probation_ends_on__isnull=False, probation_ends_on__lte=horizon
    ).values("pk", "name", "probation_ends_on", "branch_id", "branch__name", "member_id", "member__user_id")
    people = managers(on=today)
    for row in rows:
        due_on = cast(date, row["probation_ends_on"])  # not null: filtered
        title = _("预备党员%(name)s预备期 %(end)s 期满，讨论转正") % {"name": row["name"], "end": due_on.isoformat()}
        recipients = people.with_member(row["branch_id"], row["member__user_id"])
        yield _due("development.probation_end", row, due_on, title, cited, recipients)
