"""Reminders before and after a due date, and the per-branch figure of reports submitted on time."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from services.development.models import Dossier
from services.members.models import Member
from services.thought_reports import services
from services.thought_reports.figures import unit_figures
from services.thought_reports.models import Report
from services.thought_reports.reminders import report_due, report_overdue
from tenants.models import Institution
from tests.conftest import in_schema

from .conftest import People

pytestmark = pytest.mark.django_db


def test_before_the_due_date_the_writer_and_after_it_the_writer_and_contact_person_are_reminded(
    people: People,
) -> None:
    # Applied 2025-01-10: due every three months on the 10th (2026-10-10, 2027-01-10, ...).
    before = list(report_due(date(2026, 12, 20)))
    assert [(d.due_on, d.recipient_ids) for d in before] == [(date(2027, 1, 10), (people.activist.pk,))]
    assert before[0].rule_key == "thought_reports.interval_months"
    after = list(report_overdue(date(2026, 12, 20)))
    assert [d.due_on for d in after] == [date(2026, 10, 10)]
    assert set(after[0].recipient_ids) == {people.activist.pk, people.contact.pk}


def test_a_submitted_report_answers_its_due_date_and_counts_in_the_figure(people: People) -> None:
    today = timezone.localdate()
    Member.objects.filter(status=Member.Status.PROBATIONARY).update(
        status=Member.Status.NORMAL
    )  # only the activist writes
    Dossier.objects.filter(pk=people.dossier.pk).update(applied_on=date(today.year - 1, 1, 1))
    services.report_save(acting_user=people.activist, title="t", body="b", submit=True)
    report = Report.objects.get()
    assert report.due_on is not None and report.due_on >= today
    assert not [d for d in report_due(today) if d.due_on == report.due_on]
    figures = {f.unit_id: f for f in unit_figures(year=today.year)}
    mine = figures.get(people.branch.unit.pk)
    if mine is not None:  # the due dates of this year already passed were all missed
        assert mine.numerator == 0 and mine.denominator >= 1
    last_year = {f.unit_id: f for f in unit_figures(year=today.year - 1)}[people.branch.unit.pk]
    assert (last_year.numerator, last_year.denominator) == (0, 3)


def test_the_figures_job_publishes_the_branch_figure_for_oversight(people: People, inst_a: Institution) -> None:
    from services.oversight.facts import unit_facts_publish
    from services.oversight.models import UnitFact

    today = timezone.localdate()
    Member.objects.filter(status=Member.Status.PROBATIONARY).update(status=Member.Status.NORMAL)
    Dossier.objects.filter(pk=people.dossier.pk).update(applied_on=date(today.year - 1, 1, 1))
    unit_facts_publish(institution=inst_a, year=today.year - 1)
    with in_schema("public"):
        row = UnitFact.objects.get(
            institution=inst_a, metric="thought_reports.on_time", unit_path=people.branch.unit.path
        )
    # Three due dates, none met: fewer than five, so published as suppressed, without the counts.
    assert row.period == str(today.year - 1) and row.suppressed and row.numerator is None
