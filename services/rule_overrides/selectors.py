"""Reads of an institution's overrides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.rules.models import StandardRule
from services.rules.specs import value_problems

from .models import RuleOverride


@dataclass(frozen=True)
class InvalidOverride:
    key: str
    title: str
    value: Any
    effective_from: date


def invalid_overrides() -> list[InvalidOverride]:
    """Overrides whose value is outside their rule's declared range (services/rules/specs.py):
    stored before the range was checked, or written around the service. Deadlines computed from
    them fail, so whoever reports a failure can name them. Two queries."""
    titles = dict(StandardRule.objects.order_by("key", "-effective_from").distinct("key").values_list("key", "title"))
    found = []
    for override in RuleOverride.objects.order_by("key", "effective_from", "id"):
        title = titles.get(override.key, override.key)
        if value_problems(key=override.key, value=override.value, title=title, unit=""):
            found.append(InvalidOverride(override.key, title, override.value, override.effective_from))
    return found
