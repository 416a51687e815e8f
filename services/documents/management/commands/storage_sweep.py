"""manage.py storage_sweep [--delete] [--min-age-minutes N]: stored objects no row references."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from services.storage.sweeper import sweep
from services.storage.uploads import human_size


class Command(BaseCommand):
    help = (
        "List stored objects (public and every institution prefix) that no database row references; "
        "remove them with --delete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="remove the orphans (default: only report)")
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=60,
            help="ignore objects younger than this: they may belong to an upload still in progress (default 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        delete = options["delete"]
        orphans = sweep(delete=delete, min_age=timedelta(minutes=max(0, options["min_age_minutes"])))
        for orphan in orphans:
            self.stdout.write(f"{'deleted' if delete else 'orphan'}\t{orphan.schema}\t{orphan.key}\t{orphan.size}")
        total = sum(orphan.size for orphan in orphans)
        verb = "deleted" if delete else "found"
        self.stdout.write(self.style.SUCCESS(f"{len(orphans)} orphan object(s) {verb}, {human_size(total)}"))
