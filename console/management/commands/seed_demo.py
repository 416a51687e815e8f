from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from console.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo committee, institutions, org trees and members (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--members", type=int, default=300, help="members per institution")

    def handle(self, *args: Any, **options: Any) -> None:
        for line in seed_demo(members_per_institution=options["members"]):
            self.stdout.write(line)
