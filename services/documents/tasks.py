"""Worker steps of documents: text extraction. Thin: the body is extraction.version_extract."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.tasks import institution_task

from .extraction import version_extract
from .models import DocumentVersion

# A version still pending after this long lost its task (the broker was down, a worker died).
STALE_EXTRACTION = timedelta(minutes=30)


@institution_task()
def extract_version(version_id: int) -> str:
    """Extract the text of an institution document's version (inside its schema)."""
    version = version_extract(version_id=version_id)
    return version.extraction_status if version is not None else "missing"


@shared_task(name="services.documents.tasks.extract_public_version", acks_late=True, max_retries=5)
def extract_public_version(version_id: int) -> str:
    """The same for a document the committee published (public schema)."""
    with schema_context(get_public_schema_name()):
        version = version_extract(version_id=version_id)
        return version.extraction_status if version is not None else "missing"


def _extract_stale() -> int:
    cutoff = timezone.now() - STALE_EXTRACTION
    pending = DocumentVersion.objects.filter(
        extraction_status=DocumentVersion.Extraction.PENDING, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    for version_id in list(pending[:500]):
        version_extract(version_id=version_id)
    return len(pending)


@institution_task()
def extract_stale_versions() -> int:
    """Hourly: extract versions whose extraction task was lost (institution schema)."""
    return _extract_stale()


@shared_task(name="services.documents.tasks.extract_stale_public_versions")
def extract_stale_public_versions() -> int:
    """The same for what the committee published (public schema)."""
    with schema_context(get_public_schema_name()):
        return _extract_stale()
