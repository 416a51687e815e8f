"""Reminder sources of ideological reports (services/reminders/registry.py), both from the schedule
of every writer (``selectors.everyone_writing``, two queries, plus one for the reports and one for
the contact persons):

- ``thought_reports.due``: before the due date — the next due date within ``reminders.lead_days``
  (30) with no report for it yet, to the writer;
- ``thought_reports.overdue``: after it — the last due date passed with no report for it, to the
  writer and their contact persons in charge (培养联系人).

The due dates come from ``thought_reports.interval_months`` / ``thought_reports.probation_reports``
(schedule.py), resolved on the scan date; the key holds the due date, so each is delivered once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from services.development.models import DossierContact
from services.reminders.recipients import recipients
from services.reminders.registry import Due, reminder_source
from services.rules.resolver import RuleValue, rule

from .schedule import Cadence, cadence, cited, due_dates
from .selectors import Answered, Person, answered_dates, everyone_writing, is_answered


def _contacts() -> dict[int, set[int]]:
    rows = DossierContact.objects.filter(
        role=DossierContact.Role.CONTACT, ended_on__isnull=True, member__user__isnull=False
    ).values_list("dossier_id", "member__user_id")
    found: dict[int, set[int]] = {}
    for dossier_id, user_id in rows:
        found.setdefault(dossier_id, set()).add(user_id)
    return found


def _due(kind: str, person: Person, day: date, title: str, cite: RuleValue, to: tuple[int, ...]) -> Due:
    who = f"d{person.dossier_id}" if person.dossier_id else f"m{person.member_id}"
    return Due(
        key=f"{kind}:{who}:{day.isoformat()}",
        kind=kind,
        title=title,
        due_on=day,
        recipient_ids=to,
        url=reverse("thought_reports:mine"),
        rule_key=cite.key,
        citation=cite.explanation,
        detail=person.branch_name,
        member_id=person.member_id,
    )


def _scan(today: date) -> tuple[Cadence, list[Person], Answered]:
    rules = cadence(on=today)
    return rules, everyone_writing(rules=rules), answered_dates()


@reminder_source("thought_reports.due")
def report_due(today: date) -> Iterator[Due]:
    horizon = today + timedelta(days=rule("reminders.lead_days", on=today).number)
    rules, people, answered = _scan(today)
    for person in people:
        if person.user_id is None:
            continue
        upcoming = [d for d in due_dates(person.stages, rules=rules, until=horizon) if d >= today]
        if upcoming and not is_answered(person, upcoming[0], answered):
            day = upcoming[0]
            title = _("提交思想汇报（应交日期 %(day)s）") % {"day": day.isoformat()}
            yield _due(
                "thought_reports.due", person, day, title, cited(person.stages, rules=rules, day=day), (person.user_id,)
            )


@reminder_source("thought_reports.overdue")
def report_overdue(today: date) -> Iterator[Due]:
    rules, people, answered = _scan(today)
    contacts = _contacts()
    for person in people:
        passed = due_dates(person.stages, rules=rules, until=today - timedelta(days=1))
        if not passed or is_answered(person, passed[-1], answered):
            continue
        day = passed[-1]
        to = recipients([person.user_id, *contacts.get(person.dossier_id or 0, ())])
        if to:
            title = _("%(name)s 未按期提交思想汇报（应交日期 %(day)s）") % {"name": person.name, "day": day.isoformat()}
            yield _due("thought_reports.overdue", person, day, title, cited(person.stages, rules=rules, day=day), to)
