"""Papers: drawn per person by the exam's rules when the exam opens (docs/exams.md "Papers").

``papers_draw`` writes one ``Attempt`` row per member of the audience in one bulk insert, each
with its own questions (N from each rule's category/tag, no question twice) and its own order of
questions and options; the housekeeping sweeper (tasks.py) runs it for exams about to open, so
that 300 people pressing start at once only mark rows started. A member who joins the audience
after the opening gets a paper when they start (``paper_for``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.models import Member
from services.organization.scope import ancestor_paths

from .audit_events import EVENT_PAPERS_DRAWN
from .models import Attempt, Exam, Question

AUDIENCE_STATUSES = (Member.Status.NORMAL, Member.Status.PROBATIONARY)
DRAW_AHEAD = timedelta(minutes=2)  # papers are drawn this long before the opening at the latest


@dataclass(frozen=True)
class Rule:
    category: str
    tag: str
    count: int
    points: Decimal

    def matches(self, row: tuple[int, str, str, list[str]]) -> bool:
        _pk, _kind, category, tags = row
        return (not self.category or category == self.category) and (not self.tag or self.tag in tags)


def rules_of(exam: Exam) -> list[Rule]:
    return [
        Rule(
            category=str(r.get("category", "")),
            tag=str(r.get("tag", "")),
            count=int(r.get("count", 0)),
            points=Decimal(str(r.get("points", 1))),
        )
        for r in exam.rules
    ]


def bank_q(unit_path: str) -> Q:
    """The questions an exam of the unit at ``unit_path`` may draw: its own bank and those of the
    units above it (an institution-wide bank serves every branch)."""
    return Q(active=True, unit__path__in=ancestor_paths(unit_path))


def pool_rows(exam: Exam) -> list[tuple[int, str, str, list[str]]]:
    return list(Question.objects.filter(bank_q(exam.unit.path)).values_list("pk", "kind", "category", "tags"))


def audience(exam: Exam) -> Any:
    return Member.objects.filter(branch__path__startswith=exam.unit.path, status__in=AUDIENCE_STATUSES)


def rule_problems(rules: list[Rule], rows: list[tuple[int, str, str, list[str]]]) -> list[str]:
    """Why these rules cannot draw a paper from ``rows`` (empty: they can)."""
    if not rules:
        return [_("请至少设置一条组卷规则。")]
    problems = []
    for rule in rules:
        found = sum(1 for row in rows if rule.matches(row))
        if rule.count < 1 or rule.points <= 0:
            problems.append(_("每条组卷规则应抽取至少 1 题，每题分值大于 0。"))
        elif found < rule.count:
            problems.append(
                _("规则“%(rule)s”要抽取 %(count)s 题，题库中符合的只有 %(found)s 题。")
                % {"rule": rule_label(rule), "count": rule.count, "found": found}
            )
    union = {row[0] for row in rows if any(rule.matches(row) for rule in rules)}
    if not problems and len(union) < sum(rule.count for rule in rules):
        problems.append(_("各条规则合计要抽取的题数多于题库中符合的题目。"))
    return problems


def rule_label(rule: Rule) -> str:
    parts = [p for p in (rule.category, f"#{rule.tag}" if rule.tag else "") if p]
    return " ".join(parts) or _("全部题目")


def draw(rules: list[Rule], rows: list[tuple[int, str, str, list[str]]], options: dict[int, int]) -> list[list[Any]]:
    """One person's paper: [[question id, kind, option order, points], …], shuffled."""
    chosen: list[list[Any]] = []
    taken: set[int] = set()
    for rule in rules:
        pool = [row for row in rows if row[0] not in taken and rule.matches(row)]
        for pk, kind, _category, _tags in random.sample(pool, min(rule.count, len(pool))):
            order = list(range(options.get(pk, 0)))
            random.shuffle(order)
            chosen.append([pk, kind, order, str(rule.points)])
            taken.add(pk)
    random.shuffle(chosen)
    return chosen


def _option_counts(rows: list[tuple[int, str, str, list[str]]]) -> dict[int, int]:
    ids = [row[0] for row in rows if row[1] in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE)]
    return {pk: len(options) for pk, options in Question.objects.filter(pk__in=ids).values_list("pk", "options")}


def total_of(paper: list[list[Any]]) -> Decimal:
    return sum((Decimal(entry[3]) for entry in paper), Decimal(0))


def papers_draw(*, exam: Exam) -> int:
    """Draw a paper for every member of the audience who has none yet (one bulk insert), and
    open the exam. Idempotent; returns the number of papers drawn."""
    with transaction.atomic():
        locked = Exam.objects.select_for_update().select_related("unit").get(pk=exam.pk)
        if locked.status not in (Exam.Status.PUBLISHED, Exam.Status.OPEN):
            return 0
        rules, rows = rules_of(locked), pool_rows(locked)
        options = _option_counts(rows)
        have = set(Attempt.objects.filter(exam=locked).values_list("member_id", flat=True))
        attempts = []
        for member_id in audience(locked).exclude(pk__in=have).values_list("pk", flat=True):
            paper = draw(rules, rows, options)
            attempts.append(Attempt(exam=locked, member_id=member_id, paper=paper, total=total_of(paper)))
        Attempt.objects.bulk_create(attempts, batch_size=1000, ignore_conflicts=True)
        first = locked.status == Exam.Status.PUBLISHED
        locked.status, locked.papers_drawn_at = Exam.Status.OPEN, locked.papers_drawn_at or timezone.now()
        locked.save(update_fields=["status", "papers_drawn_at"])
        if first or attempts:
            audit_record(event=EVENT_PAPERS_DRAWN, target=locked, after={"papers": len(attempts)})
    exam.status, exam.papers_drawn_at = locked.status, locked.papers_drawn_at
    return len(attempts)


def paper_for(*, exam: Exam, member: Member, number: int) -> Attempt:
    """A paper drawn now for one member (a late joiner, or a further attempt)."""
    rows = pool_rows(exam)
    paper = draw(rules_of(exam), rows, _option_counts(rows))
    attempt, _created = Attempt.objects.get_or_create(
        exam=exam, member=member, number=number, defaults={"paper": paper, "total": total_of(paper)}
    )
    return attempt


def exams_to_open(*, now: Any = None) -> int:
    """The sweeper's step: draw the papers of the published exams opening within DRAW_AHEAD, and
    close the exams whose window is over."""
    now = now or timezone.now()
    drawn = 0
    for exam in Exam.objects.filter(status=Exam.Status.PUBLISHED, opens_at__lte=now + DRAW_AHEAD, closes_at__gt=now):
        drawn += papers_draw(exam=exam)
    Exam.objects.filter(status__in=(Exam.Status.PUBLISHED, Exam.Status.OPEN), closes_at__lte=now).update(
        status=Exam.Status.CLOSED
    )
    return drawn
