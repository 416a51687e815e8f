from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from console import services
from tenants.models import Institution


class Command(BaseCommand):
    help = (
        "Change an institution's state: suspend (with a reason), resume, export, archive or delete "
        "(archive and delete need --confirm <code>; archive also finishes an archive left unfinished)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["suspend", "resume", "export", "archive", "delete"])
        parser.add_argument("code")
        parser.add_argument("--reason", default="", help="shown to the institution's users (suspend)")
        parser.add_argument("--confirm", default="", help="repeat the code to confirm an archive or a deletion")

    def handle(self, *args: Any, **options: Any) -> None:
        institution = Institution.objects.filter(code=options["code"]).first()
        if institution is None:
            raise CommandError(f"no institution with code {options['code']!r}")
        action = options["action"]
        try:
            if action == "suspend":
                services.institution_suspend(institution=institution, reason=options["reason"])
            elif action == "resume":
                services.institution_resume(institution=institution)
            elif action == "export":
                key = services.institution_export(institution=institution)
                self.stdout.write(f"archive: {key}")
            elif action == "archive":
                institution = services.institution_archive(institution=institution, confirmation=options["confirm"])
                self.stdout.write(f"archive: {institution.last_export_key}")
            else:
                services.institution_delete(institution=institution, confirmation=options["confirm"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{action}: done"))
