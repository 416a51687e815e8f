"""manage.py documents_extract_pending [--min-age-minutes N]: extract the text of versions still
waiting (their task was lost, e.g. the broker was down when they were uploaded), in the public
schema and every institution, in this process."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from services.documents.extraction import version_extract
from services.documents.models import DocumentVersion
from tenants.models import Institution


class Command(BaseCommand):
    help = "Extract the text of document versions whose extraction never ran."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=10,
            help="only versions waiting longer than this (younger ones are still in the queue; default 10)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(minutes=max(0, options["min_age_minutes"]))
        public = get_public_schema_name()
        with schema_context(public):
            schemas = [public, *Institution.objects.order_by("schema_name").values_list("schema_name", flat=True)]
        total = 0
        for schema in schemas:
            if schema != public and not schema_exists(schema):
                continue
            with schema_context(schema):
                pending = DocumentVersion.objects.filter(
                    extraction_status=DocumentVersion.Extraction.PENDING, created_at__lt=cutoff
                ).values_list("pk", flat=True)
                for version_id in list(pending):
                    version = version_extract(version_id=version_id)
                    total += 1
                    status = version.extraction_status if version is not None else "missing"
                    self.stdout.write(f"{schema}\tversion {version_id}\t{status}")
        self.stdout.write(self.style.SUCCESS(f"{total} pending version(s) extracted"))
