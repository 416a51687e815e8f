"""The reminder source of the organization tree, found by the reminders registry
(services/reminders/registry.py) like every app's ``reminders`` module:

- ``organization.term_ending``: a committee's current term ends on ``Term.ends_on``; listed
  from ``term.warning_days`` before (the same rule as the tree's warnings). Recipients: the
  unit's managers (its own secretary and those above).

An item is overdue when ``due_on`` is before the scan date. Each ``Due`` carries the rule key
that produced its date and the rule's citation (``RuleValue.explanation``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils.translation import gettext as _

from services.reminders.recipients import managers
from services.reminders.registry import Due, reminder_source, url_maker
from services.rules.resolver import rule

from .models import OrgUnit, Term

TERM_WARNING_DAYS = "term.warning_days"

TERM_ENDING = "organization.term_ending"


@reminder_source(TERM_ENDING)
def term_ending(today: date) -> Iterator[Due]:
    # Translated once, formatted per item (thousands of items per scan).
    title, detail = _("%(unit)s委员会届期届满，应按期换届"), _("%(kind)s · 本届 %(start)s 至 %(end)s")
    warning = rule(TERM_WARNING_DAYS, on=today)
    horizon = today + timedelta(days=warning.number)
    who = managers(on=today)
    url = url_maker("organization:unit")
    # The current term of each open unit: the latest one started (DISTINCT ON unit).
    current = (
        Term.objects.filter(unit__closed_on__isnull=True)
        .order_by("unit_id", "-started_on", "-id")
        .distinct("unit_id")
        .values_list("pk", "unit_id", "unit__name", "unit__kind", "started_on", "ends_on")
    )
    for pk, unit_id, unit_name, unit_kind, started_on, ends_on in current:
        if ends_on > horizon:
            continue
        yield Due(
            key=f"{TERM_ENDING}:{unit_id}:{pk}:{ends_on.isoformat()}",
            kind=TERM_ENDING,
            title=title % {"unit": unit_name},
            detail=detail
            % {"kind": OrgUnit.Kind(unit_kind).label, "start": started_on.isoformat(), "end": ends_on.isoformat()},
            due_on=ends_on,
            recipient_ids=who.of_unit(unit_id),
            url=url(unit_id),
            rule_key=warning.key,
            citation=warning.explanation,
        )
