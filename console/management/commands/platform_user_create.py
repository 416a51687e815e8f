from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from services.accounts.models import User


class Command(BaseCommand):
    help = (
        "Create a console account in the public schema: a platform operator or a committee user. "
        "The password comes from PARTYCLOUD_PASSWORD or a prompt (never the command line, which "
        "other users of the machine can read)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=["operator", "committee"], required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("PARTYCLOUD_PASSWORD") or getpass.getpass("Password: ")
        with schema_context("public"):
            if User.objects.filter(username=options["username"]).exists():
                raise CommandError(f"user {options['username']!r} already exists")
            user = User(
                username=options["username"],
                display_name=options["name"],
                platform_role=options["role"],
                is_staff=options["role"] == "operator",
            )
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            user.set_password(password)
            user.save()
        self.stdout.write(self.style.SUCCESS(f"created {options['role']} {user.username}"))
