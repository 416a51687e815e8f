from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from console.platform_users import ROLES, platform_user_create


class Command(BaseCommand):
    help = (
        "Create a console account in the public schema: a platform operator or a committee user "
        "(the first operator; later ones are created on the console's 平台账号 page). The password "
        "comes from PARTYCLOUD_PASSWORD or a prompt (never the command line, which other users of "
        "the machine can read)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=[role.value for role in ROLES], required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("PARTYCLOUD_PASSWORD") or getpass.getpass("Password: ")
        if not password:
            raise CommandError("a password is required")
        try:
            user, _link = platform_user_create(
                username=options["username"],
                role=options["role"],
                display_name=options["name"],
                password=password,
                acting_user=None,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"created {options['role']} {user.username}"))
