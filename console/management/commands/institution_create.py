from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from console.services import institution_create, institution_domain
from tenants.models import Institution


class Command(BaseCommand):
    help = "Provision an institution: registry row, domain, cloned schema and first administrator."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code", help="short code, also the subdomain (e.g. pku)")
        parser.add_argument("name", help="full name, e.g. 北京大学")
        parser.add_argument("--kind", choices=Institution.Kind.values, default=Institution.Kind.UNIVERSITY)
        parser.add_argument("--region", default="")
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument("--admin-password", default=None, help="generated and printed when omitted")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            institution, password = institution_create(
                code=options["code"],
                name=options["name"],
                kind=options["kind"],
                region=options["region"],
                admin_username=options["admin_username"],
                admin_password=options["admin_password"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"created {institution} at {institution_domain(institution.code)}"))
        self.stdout.write(f"administrator: {options['admin_username']} / {password}")
