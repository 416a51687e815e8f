"""Worker steps of transfers. Thin: load, call a service.

``move_letters`` runs in the public schema (it spans two institutions); ``run_batch`` inside the
sending institution's schema. Both are ``acks_late``: a worker that dies midway leaves the
message to be delivered again, and both jobs are idempotent.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import translation
from django_tenants.utils import schema_context

from tenants.tasks import institution_task

from . import batches, moves
from .models import BatchTransfer


@shared_task(name="services.transfers.tasks.move_letters", acks_late=True, max_retries=5, default_retry_delay=30)
def move_letters(letter_ids: list[str]) -> dict[str, int]:
    with schema_context("public"), translation.override(settings.LANGUAGE_CODE):
        return moves.move_letters(letter_ids=letter_ids)


@institution_task()
def run_batch(batch_id: str) -> str:
    batch = BatchTransfer.objects.select_related("created_by").filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    with translation.override(settings.LANGUAGE_CODE):
        return batches.batch_run(batch=batch).status


@shared_task(name="services.transfers.tasks.resume_stalled_moves")
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
    for start in range(0, len(ids), moves.CHUNK):
        move_letters.delay(ids[start : start + moves.CHUNK])
    return len(ids)
