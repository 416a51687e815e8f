"""One answer to "the value of rule K for this institution on date D" (docs/domain.md#rule-sets).

The institution's override in force on D (latest ``effective_from`` <= D) beats the standard rule
in force on D. In the public schema (the console) there are no overrides. Nothing is cached
across calls: an override takes effect on the next request, and a page resolves all its keys
at once (``rules_for``: two queries, whatever the number of keys).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from .models import StandardRule

STANDARD = "standard"
INSTITUTION = "institution"


@dataclass(frozen=True)
class RuleValue:
    key: str
    value: Any
    unit: str
    title: str
    citation: str
    source: str  # STANDARD or INSTITUTION
    effective_from: date
    reason: str = ""  # the institution's reason, for an override

    @property
    def number(self) -> int:
        """The value as an int, for rules that count members, days, months…"""
        return int(self.value)

    @property
    def unit_label(self) -> str:
        from .display import rule_unit

        return rule_unit(self)

    @property
    def source_label(self) -> str:
        from .display import rule_source

        return rule_source(self)

    @property
    def explanation(self) -> str:
        """What a deadline or warning shows as its origin: the rule's title and citation (or the
        institution's reason), in the reader's language, without the key (``display.py``)."""
        from .display import rule_explanation

        return rule_explanation(self)


def in_institution_schema() -> bool:
    return getattr(connection, "schema_name", get_public_schema_name()) != get_public_schema_name()


def _standards(keys: Iterable[str] | None, on: date) -> dict[str, StandardRule]:
    rows = StandardRule.objects.filter(effective_from__lte=on)
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    # DISTINCT ON (key) with the latest date first: the version in force, one row per key.
    return {row.key: row for row in rows.order_by("key", "-effective_from").distinct("key")}


def _overrides(keys: Iterable[str] | None, on: date) -> dict[str, Any]:
    if not in_institution_schema():
        return {}
    from services.rule_overrides.models import RuleOverride

    rows = RuleOverride.objects.filter(effective_from__lte=on)
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    return {row.key: row for row in rows.order_by("key", "-effective_from", "-id").distinct("key")}


def _resolve(keys: Iterable[str] | None, on: date) -> dict[str, RuleValue]:
    standards = _standards(keys, on)
    overrides = _overrides(keys, on)
    resolved: dict[str, RuleValue] = {}
    for key, standard in standards.items():
        override = overrides.get(key)
        if override is not None:
            resolved[key] = RuleValue(
                key=key,
                value=override.value,
                unit=standard.unit,
                title=standard.title,
                citation=standard.citation,
                source=INSTITUTION,
                effective_from=override.effective_from,
                reason=override.reason,
            )
        else:
            resolved[key] = RuleValue(
                key=key,
                value=standard.value,
                unit=standard.unit,
                title=standard.title,
                citation=standard.citation,
                source=STANDARD,
                effective_from=standard.effective_from,
            )
    return resolved


def rules_for(keys: Iterable[str], *, on: date | None = None) -> dict[str, RuleValue]:
    """Several rules at once (two queries). A key with no standard rule in force raises KeyError."""
    wanted = list(dict.fromkeys(keys))
    found = _resolve(wanted, on or timezone.localdate())
    missing = [key for key in wanted if key not in found]
    if missing:
        raise KeyError(", ".join(missing))
    return found


def rule(key: str, *, on: date | None = None) -> RuleValue:
    """The value of rule ``key`` for the current institution on ``on`` (default today)."""
    return rules_for([key], on=on)[key]


def rules_in_force(*, on: date | None = None) -> list[RuleValue]:
    """Every rule in force on ``on``, by key, for the admin page and the API (two queries)."""
    return list(_resolve(None, on or timezone.localdate()).values())


class RuleMapping(Mapping[str, int]):
    """A read-only mapping whose numbers come from the rule set on each lookup (today), for code
    that reads a number by a local name (``TERM_YEARS[unit.kind]``). Membership needs no query."""

    def __init__(self, keys: Mapping[str, str]) -> None:
        self.keys_by_name = dict(keys)

    def __getitem__(self, name: str) -> int:
        return rule(self.keys_by_name[name]).number

    def __contains__(self, name: object) -> bool:
        return name in self.keys_by_name

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_by_name)

    def __len__(self) -> int:
        return len(self.keys_by_name)
