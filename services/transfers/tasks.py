"""Worker steps of transfers. Thin: load, call a service.

``move_letters`` runs in the public schema (it spans two institutions); ``run_batch`` inside the
sending institution's schema. Both are ``acks_late``: a worker that dies midway leaves the
message to be delivered again, and both jobs are idempotent.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from tenants.db import connection
from tenants.deliveries import relay_unless_in_flight
from tenants.housekeeping import sweeper
from tenants.tasks import institution_task

from . import batches, moves
from .models import BatchTransfer


@shared_task(
    name="services.transfers.tasks.move_letters",
    acks_late=True,
    max_retries=5,
    default_retry_delay=30,
    verbose_name=_("转移组织关系档案"),
    soft_time_limit=300,
    time_limit=360,
    memory_limit_mb=768,
)
def move_letters(letter_ids: list[str]) -> dict[str, int]:
    with schema_context("public"), translation.override(settings.LANGUAGE_CODE):
        return moves.move_letters(letter_ids=letter_ids)


def _interrupted() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("处理进程多次中断，已停止，请重新发起")


def _abandon_batch(batch_id: str) -> None:
    batches.batch_abandon(batch_id=batch_id, reason=_interrupted())


def _revive_batch(batch_id: str) -> None:
    batches.batch_revive(batch_id=batch_id, reason=_interrupted())


@institution_task(
    verbose_name=_("批量开具转接介绍信"),
    soft_time_limit=600,
    time_limit=660,
    memory_limit_mb=768,
    abandon=_abandon_batch,
    revive=_revive_batch,
)
def run_batch(batch_id: str) -> str:
    batch = BatchTransfer.objects.select_related("created_by").filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    with translation.override(settings.LANGUAGE_CODE):
        return batches.batch_run(batch=batch).status


@shared_task(
    name="services.transfers.tasks.resume_stalled_moves",
    verbose_name=_("重新排队未完成的档案转移"),
    soft_time_limit=60,
    time_limit=90,
    memory_limit_mb=256,
    track_deliveries=False,
)
def resume_stalled_moves(minutes: int = 10) -> int:
    """Queue again the moves of letters accepted more than ``minutes`` ago and still not moved
    (a broker outage lost the message, or a redelivery is still waiting for its visibility
    timeout). Harmless if the first run is still going: the move locks each letter."""
    from datetime import timedelta

    from django.utils import timezone

    from services.transfer_exchange.models import ExchangeLetter

    with schema_context("public"):
        stalled = list(
            ExchangeLetter.objects.filter(
                status=ExchangeLetter.Status.ACCEPTED, decided_at__lt=timezone.now() - timedelta(minutes=minutes)
            ).values_list("pk", flat=True)[:5000]
        )
    ids = [str(pk) for pk in stalled]
    relay_unless_in_flight(
        move_letters, [(ids[start : start + moves.CHUNK],) for start in range(0, len(ids), moves.CHUNK)]
    )
    return len(ids)


@sweeper("transfers.batches", every_minutes=5)
def resume_stalled_batches() -> int:
    """Every 5 minutes (housekeeping): run again batches whose message was lost or whose worker
    died; each run resumes at the people still pending, and the runs are counted and bounded."""
    schema = connection.schema_name
    stalled = batches.batches_stalled(older_than=timedelta(minutes=10))
    return relay_unless_in_flight(run_batch, [(schema, str(batch.pk)) for batch in stalled])
