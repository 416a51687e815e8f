"""Worker steps of documents: text extraction. Thin: the body is extraction.version_extract.

Extraction is bounded (limits below, unzip limits, text cap) and so are its redeliveries: after
``max_deliveries`` the version is marked failed (``_abandon``). A version whose message was lost
is queued again by the housekeeping sweep every 5 minutes."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.db import connection
from tenants.deliveries import relay_unless_in_flight
from tenants.housekeeping import sweeper
from tenants.tasks import institution_task

from .extraction import version_extract, version_extraction_abandon, version_extraction_revive
from .models import DocumentVersion

# A version still pending after this long lost its task (the broker was down, a worker died).
STALE_EXTRACTION = timedelta(minutes=5)


# Reading an uploaded file: the unzip limits and the text cap bound it; these stop the rest.
EXTRACTION_LIMITS = {"soft_time_limit": 120, "time_limit": 180, "memory_limit_mb": 512, "max_deliveries": 3}


def _abandon(version_id: int) -> None:
    """Given up after repeated interruptions (tenants/deliveries.py): say so on the version."""
    version_extraction_abandon(version_id=version_id, reason=_("文件多次处理中断，已停止提取，文件仍可下载。"))


def _abandon_public(version_id: int) -> None:
    with schema_context(get_public_schema_name()):
        _abandon(version_id)


def _revive(version_id: int) -> None:
    version_extraction_revive(version_id=version_id)


def _revive_public(version_id: int) -> None:
    with schema_context(get_public_schema_name()):
        _revive(version_id)


@institution_task(verbose_name=gettext_lazy("提取文档文字"), abandon=_abandon, revive=_revive, **EXTRACTION_LIMITS)
def extract_version(version_id: int) -> str:
    """Extract the text of an institution document's version (inside its schema)."""
    version = version_extract(version_id=version_id)
    return version.extraction_status if version is not None else "missing"


@shared_task(
    name="services.documents.tasks.extract_public_version",
    acks_late=True,
    max_retries=5,
    verbose_name=gettext_lazy("提取文档文字（平台）"),
    abandon=_abandon_public,
    revive=_revive_public,
    **EXTRACTION_LIMITS,
)
def extract_public_version(version_id: int) -> str:
    """The same for a document the committee published (public schema)."""
    with schema_context(get_public_schema_name()):
        version = version_extract(version_id=version_id)
        return version.extraction_status if version is not None else "missing"


def _stale_versions() -> list[int]:
    cutoff = timezone.now() - STALE_EXTRACTION
    pending = DocumentVersion.objects.filter(
        extraction_status=DocumentVersion.Extraction.PENDING, created_at__lt=cutoff
    )
    return list(pending.order_by("pk").values_list("pk", flat=True)[:500])


@sweeper("documents.extraction", every_minutes=5)
def extract_stale_versions() -> int:
    """Every 5 minutes (housekeeping): queue again the extraction of versions still pending, as
    the same task, so each one's deliveries stay counted and bounded (tenants/deliveries.py)."""
    schema = connection.schema_name
    return relay_unless_in_flight(extract_version, [(schema, pk) for pk in _stale_versions()])


@shared_task(
    name="services.documents.tasks.extract_stale_public_versions",
    verbose_name=gettext_lazy("重新排队未完成的文字提取（平台）"),
    soft_time_limit=60,
    time_limit=90,
    memory_limit_mb=256,
    track_deliveries=False,
)
def extract_stale_public_versions() -> int:
    """The same for what the committee published (public schema; beat, every 5 minutes)."""
    with schema_context(get_public_schema_name()):
        return relay_unless_in_flight(extract_public_version, [(pk,) for pk in _stale_versions()])
