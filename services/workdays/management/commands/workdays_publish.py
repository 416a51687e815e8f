"""``manage.py workdays_publish 2027 holidays-2027.csv --source "国务院办公厅关于2027年部分节假日安排的通知"``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from services.workdays.calendar import working_days_between
from services.workdays.services import CalendarDataError, parse_csv, validate_entries, workdays_publish


class Command(BaseCommand):
    help = (
        "Publish (or replace) one year of the Chinese working-day calendar from a CSV file with rows "
        "day,kind,name (kind: holiday/休 or workday/班), as listed by the State Council notice. "
        "Holidays falling on a weekend may be listed too. Without --commit only checks and prints a summary."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="the notice: 国务院办公厅关于2027年部分节假日安排的通知")
        parser.add_argument("--commit", action="store_true", help="publish; without it the file is only checked")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        try:
            text = options["file"].read_text(encoding="utf-8-sig")
            entries = parse_csv(text)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except CalendarDataError as exc:
            raise CommandError(str(exc)) from exc
        holidays = sum(1 for entry in entries if entry.kind == "holiday")
        workdays = len(entries) - holidays
        self.stdout.write(f"{year}: {holidays} holidays, {workdays} adjusted workdays")
        if not options["commit"]:
            try:
                validate_entries(year, entries)
            except CalendarDataError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write("checked; run again with --commit to publish")
            return
        with schema_context("public"):
            try:
                workdays_publish(year=year, entries=entries, source=options["source"])
            except CalendarDataError as exc:
                raise CommandError(str(exc)) from exc
            total = working_days_between(date(year, 1, 1), date(year, 12, 31))
        self.stdout.write(self.style.SUCCESS(f"published {year}: {total} working days"))
