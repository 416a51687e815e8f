"""Publishing a year of the working-day calendar (public schema, platform operators only)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from services.audit.services import audit_record

from . import calendar
from .audit_events import EVENT_PUBLISHED
from .models import CalendarException, CalendarYear

_KIND_ALIASES = {
    "holiday": CalendarException.Kind.HOLIDAY,
    "休": CalendarException.Kind.HOLIDAY,
    "放假": CalendarException.Kind.HOLIDAY,
    "workday": CalendarException.Kind.WORKDAY,
    "班": CalendarException.Kind.WORKDAY,
    "上班": CalendarException.Kind.WORKDAY,
    "调休上班": CalendarException.Kind.WORKDAY,
}


class CalendarDataError(ValueError):
    """The data of a year to publish is wrong; the message says which line and why (Chinese)."""


@dataclass(frozen=True)
class Entry:
    day: date
    kind: str
    name: str


def parse_csv(text: str) -> list[Entry]:
    """Rows ``day,kind,name`` (a header line is allowed): ``2027-10-01,holiday,国庆节``; kind is
    ``holiday``/``休`` or ``workday``/``班``."""
    entries: list[Entry] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        if number == 1 and row[0].strip().lower() in {"day", "date", "日期"}:
            continue
        if len(row) < 3:
            raise CalendarDataError(_("第 %(line)s 行：需要三列（日期,类别,节日）。") % {"line": number})
        raw_day, raw_kind, name = (cell.strip() for cell in row[:3])
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            raise CalendarDataError(
                _("第 %(line)s 行：日期“%(value)s”不是 YYYY-MM-DD 格式。") % {"line": number, "value": raw_day}
            ) from None
        kind = _KIND_ALIASES.get(raw_kind.lower())
        if kind is None:
            raise CalendarDataError(
                _("第 %(line)s 行：类别“%(value)s”应为 holiday（休）或 workday（班）。")
                % {"line": number, "value": raw_kind}
            )
        entries.append(Entry(day=day, kind=kind, name=name))
    return entries


def validate_entries(year: int, entries: Iterable[Entry]) -> list[Entry]:
    seen: set[date] = set()
    checked: list[Entry] = []
    for entry in entries:
        if entry.day.year != year:
            raise CalendarDataError(_("%(day)s 不属于 %(year)s 年。") % {"day": entry.day, "year": year})
        if entry.day in seen:
            raise CalendarDataError(_("%(day)s 出现了两次。") % {"day": entry.day})
        if entry.kind == CalendarException.Kind.WORKDAY and entry.day.weekday() < 5:
            raise CalendarDataError(
                _("%(day)s 是周一至周五，本来就是工作日，不能登记为调休上班。") % {"day": entry.day}
            )
        if not entry.name:
            raise CalendarDataError(_("%(day)s 缺少节日名称。") % {"day": entry.day})
        seen.add(entry.day)
        checked.append(entry)
    if not any(entry.kind == CalendarException.Kind.HOLIDAY for entry in checked):
        raise CalendarDataError(_("%(year)s 年没有任何放假日期，请检查文件。") % {"year": year})
    return checked


def workdays_publish(*, year: int, entries: Iterable[Entry], source: str, acting_user: Any = None) -> CalendarYear:
    """Publish (or replace) the holidays and adjusted workdays of ``year`` from the State Council
    notice ``source``. Replaces the year's rows atomically; audited in the public schema; the
    calendar cache of this process is cleared on commit."""
    if not source.strip():
        raise CalendarDataError(_("请填写依据的通知名称。"))
    checked = validate_entries(year, entries)
    with transaction.atomic():
        existing = CalendarYear.objects.filter(year=year).first()
        before = None
        if existing is not None:
            before = {"source": existing.source, "days": existing.days.count()}
        calendar_year, _created = CalendarYear.objects.update_or_create(
            year=year,
            defaults={"source": source.strip(), "published_by": getattr(acting_user, "username", "") or ""},
        )
        calendar_year.days.all().delete()
        CalendarException.objects.bulk_create(
            [
                CalendarException(calendar_year=calendar_year, day=entry.day, kind=entry.kind, name=entry.name)
                for entry in checked
            ]
        )
        audit_record(
            event=EVENT_PUBLISHED,
            actor=acting_user,
            actor_username="" if acting_user is not None else "manage.py",
            target=calendar_year,
            before=before,
            after={"source": calendar_year.source, "days": len(checked)},
        )
        transaction.on_commit(calendar.clear_cache)
    return calendar_year
