"""Compile locale/*/LC_MESSAGES/*.po into .mo with Babel (pure Python: no gettext tools
needed on the machine). The .mo files are build output and are not committed."""

from __future__ import annotations

from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile .po translation catalogs to .mo"

    def handle(self, *args: Any, **options: Any) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with po_path.open("rb") as po:
                    catalog = read_po(po, locale=po_path.parts[-3])
                with mo_path.open("wb") as mo:
                    write_mo(mo, catalog)
                if options["verbosity"] >= 2:
                    self.stdout.write(f"compiled {mo_path}")
