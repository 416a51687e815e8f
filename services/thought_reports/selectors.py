"""Reads of ideological reports, narrowed to who may see them (docs/thought_reports.md#who): the
author (drafts included), the contact persons in charge and the branch committee (those who
manage the report's branch) — submitted reports only. Anyone else finds nothing (a 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.utils import timezone

from services.development.models import Dossier
from services.members.models import Member
from services.organization.scope import Scope, scope_for

from .models import Attachment, Report
from .people import WRITING_STAGES, Writer, contact_q, is_branch_manager, is_contact, writer_of
from .schedule import Cadence, Stages, cadence, cited, due_dates


def reports_visible(*, acting_user: Any, scope: Scope | None = None) -> QuerySet[Report]:
    if not getattr(acting_user, "is_authenticated", False):
        return Report.objects.none()
    scope = scope or scope_for(acting_user)
    # ``units_q`` is the empty Q for the whole institution, which an OR would drop: say "all" plainly.
    managed = Q(pk__isnull=False) if scope.everything else scope.units_q("branch__", manage=True)
    reviewers = contact_q(acting_user) | managed
    condition = Q(author_id=acting_user.pk) | (~Q(status=Report.Status.DRAFT) & reviewers)
    return Report.objects.filter(condition).select_related("branch", "dossier")


def report_get(*, acting_user: Any, pk: int) -> Report:
    """One report the user may see; raises Report.DoesNotExist otherwise."""
    return reports_visible(acting_user=acting_user).get(pk=pk)


def attachment_get(*, acting_user: Any, pk: int) -> Attachment:
    """One attachment of a report the user may see; raises Attachment.DoesNotExist otherwise."""
    visible = reports_visible(acting_user=acting_user).values("pk")
    return Attachment.objects.select_related("report").get(pk=pk, report_id__in=visible)


def my_reports(*, acting_user: Any) -> QuerySet[Report]:
    if not getattr(acting_user, "is_authenticated", False):
        return Report.objects.none()
    return Report.objects.filter(author_id=acting_user.pk).select_related("branch").order_by("-created_at", "-pk")


def review_queue(*, acting_user: Any, scope: Scope | None = None) -> QuerySet[Report]:
    """What waits for the user: reports at the contact step whose contact person they are, and
    reports at the branch step of branches they manage; oldest first."""
    if not getattr(acting_user, "is_authenticated", False):
        return Report.objects.none()
    scope = scope or scope_for(acting_user)
    waiting = Q(status=Report.Status.CONTACT) & contact_q(acting_user)
    if scope.is_manager:
        waiting |= Q(status=Report.Status.BRANCH) & scope.units_q("branch__", manage=True)
    return Report.objects.filter(waiting).select_related("branch").order_by("submitted_at", "pk")


def can_review(*, acting_user: Any, report: Report) -> bool:
    """Whether the report waits for this user's decision."""
    if report.status == Report.Status.CONTACT:
        return is_contact(user=acting_user, report=report)
    if report.status == Report.Status.BRANCH:
        return is_branch_manager(user=acting_user, report=report)
    return False


def can_annotate(*, acting_user: Any, report: Report) -> bool:
    """Reviewers (contact persons, the branch committee) annotate any submitted report."""
    if report.status == Report.Status.DRAFT:
        return False
    return is_contact(user=acting_user, report=report) or is_branch_manager(user=acting_user, report=report)


@dataclass(frozen=True)
class DueDate:
    on: date
    report: Report | None  # the report that answers it (submitted), if any
    citation: str  # the rule that set it: title and citation

    @property
    def missed(self) -> bool:
        return self.report is None and self.on < timezone.localdate()


def my_due_dates(*, acting_user: Any, today: date | None = None, ahead: int = 2) -> list[DueDate]:
    """The user's due dates so far this year and the next ``ahead`` ones, each with the report that
    answers it; empty for someone who writes no reports."""
    writer = writer_of(acting_user)
    if writer is None:
        return []
    return due_dates_of(writer, today=today or timezone.localdate(), ahead=ahead)


def due_dates_of(writer: Writer, *, today: date, ahead: int = 2) -> list[DueDate]:
    rules = cadence(on=today)
    stages = writer.stages(rules)
    horizon = date(today.year + 2, 12, 31)
    dates = [d for d in due_dates(stages, rules=rules, until=horizon) if d.year >= today.year or d >= today]
    past = [d for d in dates if d < today]
    shown = past + [d for d in dates if d >= today][:ahead]
    answered = _answered(writer)
    rows = []
    for day in shown:
        rows.append(DueDate(day, answered.get(day), cited(stages, rules=rules, day=day).explanation))
    return rows


def _answered(writer: Writer) -> dict[date, Report]:
    reports = Report.objects.exclude(status=Report.Status.DRAFT).filter(due_on__isnull=False)
    if writer.dossier is not None:
        reports = reports.filter(dossier=writer.dossier)
    else:
        reports = reports.filter(member=writer.member, dossier__isnull=True)
    found: dict[date, Report] = {}
    for report in reports.order_by("first_submitted_at", "pk"):
        found.setdefault(report.due_on, report)  # type: ignore[arg-type]
    return found


# --- the schedule of everyone at once (reminders, figures) ------------------------------------------

DOSSIER_FIELDS = (
    "pk", "name", "applied_on", "admitted_on", "probation_ends_on", "confirmed_on", "ended_on",
    "branch_id", "branch__name", "user_id", "member__user_id",
)  # fmt: skip


@dataclass(frozen=True)
class Person:
    """One writer as the scan sees them: no model instances, one row each."""

    dossier_id: int | None
    member_id: int | None
    name: str
    branch_id: int
    branch_name: str
    user_id: int | None
    stages: Stages


def _dossier_person(row: dict[str, Any]) -> Person:
    stopped = row["confirmed_on"] or row["ended_on"]
    stages = Stages(row["applied_on"], row["admitted_on"], row["probation_ends_on"], stopped)
    user = row["user_id"] or row["member__user_id"]
    return Person(row["pk"], None, row["name"], row["branch_id"], row["branch__name"], user, stages)


def everyone_writing(*, rules: Cadence) -> list[Person]:
    """Every person who writes reports (open dossiers, probationary members without one): two queries."""
    people = [_dossier_person(row) for row in Dossier.objects.filter(stage__in=WRITING_STAGES).values(*DOSSIER_FIELDS)]
    members = Member.objects.filter(
        status=Member.Status.PROBATIONARY, dossier__isnull=True, branch__isnull=False, joined_on__isnull=False
    ).values("pk", "name", "branch_id", "branch__name", "user_id", "joined_on", "confirmed_on")
    for row in members:
        ends = row["joined_on"] + relativedelta(months=rules.probation_months.number)
        stages = Stages(None, row["joined_on"], ends, row["confirmed_on"])
        people.append(
            Person(None, row["pk"], row["name"], row["branch_id"], row["branch__name"], row["user_id"], stages)
        )
    return people


Answered = set[tuple[str, int | None, date | None]]


def answered_dates() -> Answered:
    """(("dossier" or "member"), id, due date) of every submitted report: one query."""
    rows = Report.objects.exclude(status=Report.Status.DRAFT).filter(due_on__isnull=False)
    found: Answered = set()
    for dossier_id, member_id, due_on in rows.values_list("dossier_id", "member_id", "due_on"):
        found.add(("dossier", dossier_id, due_on) if dossier_id else ("member", member_id, due_on))
    return found


def is_answered(person: Person, day: date, answered: Answered) -> bool:
    key = ("dossier", person.dossier_id, day) if person.dossier_id else ("member", person.member_id, day)
    return key in answered


def submitted_on_time_by_branch(*, year: int, today: date) -> dict[int, tuple[int, int]]:
    """Per branch id: (due dates of ``year`` already passed that a report answered, all of them).
    A report answers the due date of the period it was first submitted in, so every answered date
    is a report submitted on time (``schedule.due_for``)."""
    rules = cadence(on=today)
    answered = answered_dates()
    last = min(today - timedelta(days=1), date(year, 12, 31))
    counts: dict[int, tuple[int, int]] = {}
    for person in everyone_writing(rules=rules):
        for day in due_dates(person.stages, rules=rules, until=last):
            if day.year != year:
                continue
            done, total = counts.get(person.branch_id, (0, 0))
            counts[person.branch_id] = (done + is_answered(person, day, answered), total + 1)
    return counts
