"""Reminder sources: each capability says what is due, the scan delivers it.

A capability declares its sources in its own ``reminders.py`` module (discovered for every installed
app) with the ``@reminder_source`` decorator. A source is called once per scan, inside the
institution's schema, with the scan date, and yields ``Due`` items built from set-based queries
(no query per member: the scan covers 20,000 members in one institution).

``Due.key`` is the idempotency key: the same obligation on the same due date always yields the same
key, so running the scan twice never delivers a reminder twice (the reminders app stores keys
with a unique constraint per recipient).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Due:
    key: str  # stable idempotency key, e.g. "development.talk:<dossier id>:<due date>"
    kind: str  # the source name, e.g. "development.talk"
    title: str  # Chinese, shown to the user: what is due
    due_on: date
    recipient_ids: tuple[int, ...]  # user ids (accounts.User) who receive it
    url: str = ""  # where to act, relative to the institution's host
    rule_key: str = ""  # the rule-set key that produced the date (services.rules)
    citation: str = ""  # the rule's citation as resolved on the due date
    detail: str = ""  # one more line: who / which unit / why
    member_id: int | None = None  # the person concerned, if any
    extra: dict[str, str] = field(default_factory=dict)


Source = Callable[[date], Iterable[Due]]

_SOURCES: dict[str, Source] = {}


def reminder_source(name: str) -> Callable[[Source], Source]:
    """Register ``fn(today) -> Iterable[Due]`` under ``name`` (unique, dotted: "<app>.<what>")."""

    def register(fn: Source) -> Source:
        if name in _SOURCES and _SOURCES[name] is not fn:
            raise ValueError(f"reminder source {name!r} registered twice")
        _SOURCES[name] = fn
        return fn

    return register


def sources() -> dict[str, Source]:
    """Every registered source, after importing each installed app's ``reminders`` module."""
    autodiscover_modules("reminders")
    return dict(_SOURCES)


def url_maker(name: str) -> Callable[[int], str]:
    """For sources: ``reverse(name, pk=...)`` once, then string formatting (20,000 reverses cost
    real time)."""
    marker = 987654321
    template = reverse(name, kwargs={"pk": marker}).replace(str(marker), "{}")
    return template.format
