from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from console.services import institution_restore
from services.storage.backends import get_storage


class Command(BaseCommand):
    help = "Restore an institution from an export archive (a local file or a storage key)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="path to a .tar.gz, or a storage key such as _archives/x/x-….tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["archive"]
        path = Path(source)
        try:
            handle = path.open("rb") if path.is_file() else get_storage().open(source)
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(f"archive not found: {source}") from exc
        try:
            with handle:
                institution = institution_restore(archive_file=handle)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"restored {institution}"))
