"""Which rules each published figure was computed under (``FactRules``, docs/oversight.md).

A metric names the rule keys it reads (``Metric.rules``). For each metric and period the facts
job publishes, each of those keys is resolved as the computation resolves it — the institution's
adjustment in force beats the standard rule in force — on the day the metrics read a period by:
a year on its last day (today while it runs), a month on its first day (the day the meeting
rules are read for it). What is published is the version, not the reason: the key, its title,
value, unit and citation, whether it is the standard or the institution's own, and since when.

Written with the facts, in their transaction, the same way: only what changed, the gone rows
deleted, a snapshot metric's rows of a past year left alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from services.metrics.registry import Metric
from services.rules.resolver import RuleValue, rules_in_force

from .models import FactRules

Entry = dict[str, Any]


def entry(value: RuleValue) -> Entry:
    return {
        "key": value.key,
        "title": value.title,
        "value": value.value,
        "unit": value.unit,
        "source": value.source,
        "effective_from": value.effective_from.isoformat(),
        "citation": value.citation,
    }


def read_on(period: str, today: date) -> date:
    """The day a period's rules are read on: a year's last day (today while it runs), a month's first."""
    if len(period) == 4:
        return min(today, date(int(period), 12, 31))
    year, month = period.split("-")
    return date(int(year), int(month), 1)


def computed_rules(metrics: dict[str, Metric], periods: set[tuple[str, str]]) -> dict[tuple[str, str], list[Entry]]:
    """(metric, period) -> the entries of its rules, for the ``periods`` published of each metric
    that reads rules. Two queries per distinct day (at most 13 for a year and its months)."""
    today = timezone.localdate()
    wanted = {(name, period) for name, period in periods if name in metrics and metrics[name].rules}
    resolved: dict[date, dict[str, RuleValue]] = {}
    found: dict[tuple[str, str], list[Entry]] = {}
    for name, period in sorted(wanted):
        day = read_on(period, today)
        if day not in resolved:  # every rule in force that day (a key not yet in force is left out)
            resolved[day] = {value.key: value for value in rules_in_force(on=day)}
        entries = [entry(resolved[day][key]) for key in metrics[name].rules if key in resolved[day]]
        if entries:
            found[(name, period)] = entries
    return found


def rules_publish(
    *, institution_id: int, year: int, found: dict[tuple[str, str], list[Entry]], kept: set[str], now: datetime
) -> None:
    """``found`` in place of what the institution published for ``year``; call inside the facts'
    transaction. Rows of the metrics in ``kept`` (snapshots of a past year) stay as they are."""
    mine = FactRules.objects.filter(institution_id=institution_id, period__startswith=str(year))
    published = {(m, p): (pk, rules) for pk, m, p, rules in mine.values_list("pk", "metric", "period", "rules")}
    gone = [pk for key, (pk, _rules) in published.items() if key not in found and key[0] not in kept]
    changed = [
        FactRules(institution_id=institution_id, metric=metric, period=period, rules=rules, computed_at=now)
        for (metric, period), rules in found.items()
        if (metric, period) not in published or published[(metric, period)][1] != rules
    ]
    FactRules.objects.filter(pk__in=gone).delete()
    FactRules.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["institution", "metric", "period"],
        update_fields=["rules", "computed_at"],
    )
