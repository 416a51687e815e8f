"""Anonymous ballots: written in shuffled batches, never one by one.

A submission waits in ``PendingBallot`` (random id, no person, no time). ``ballots_flush`` writes
the waiting ballots of a survey as ``Answer`` rows when at least twice the small-cell threshold
(``surveys.small_cell``, k) are waiting: it picks all but k of them at random, shuffles their
answers together, gives every row a random id and the day of the batch only, inserts them in that
order and deletes the ballots it wrote. The k left behind join the next batch, so the last batch
before the close holds at least k ballots too; at close (``final``) everything left is written.
The housekeeping sweep (``tasks.py``) runs it; the answering request never does, so neither a
request, nor its audit row, nor a log line coincides with a write of answers.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from services.audit.services import audit_record
from services.rules.resolver import rule

from .audit_events import EVENT_BALLOTS_WRITTEN
from .models import Answer, PendingBallot, Survey

SMALL_CELL = "surveys.small_cell"
_random = random.SystemRandom()


def small_cell() -> int:
    """The threshold k: result cells under it are not shown, ballots are written k or more at a time."""
    return rule(SMALL_CELL, on=timezone.localdate()).number


def ballots_flush(*, survey: Survey, final: bool = False) -> int:
    """Write the waiting ballots of ``survey`` (see the module); returns how many were written."""
    keep = 0 if final else small_cell()
    with transaction.atomic():
        waiting = list(PendingBallot.objects.select_for_update(skip_locked=True).filter(survey=survey))
        if not waiting or (not final and len(waiting) < 2 * keep):
            return 0
        _random.shuffle(waiting)
        batch = waiting[: len(waiting) - keep]
        day = timezone.localdate()
        rows = [_answer(survey, item, day) for ballot in batch for item in ballot.answers]
        _random.shuffle(rows)
        Answer.objects.bulk_create(rows)
        PendingBallot.objects.filter(pk__in=[ballot.pk for ballot in batch]).delete()
        audit_record(event=EVENT_BALLOTS_WRITTEN, target=survey, after={"ballots": len(batch)})
    return len(batch)


def _answer(survey: Survey, item: dict[str, Any], day: Any) -> Answer:
    return Answer(
        id=uuid.uuid4(),
        survey=survey,
        question_id=item["question"],
        option_id=item.get("option"),
        rating=item.get("rating"),
        text=item.get("text", ""),
        day=day,
    )


def ballots_sweep() -> dict[str, int]:
    """The housekeeping step: close the open surveys past their close date (writing what waits),
    and write a batch for every open survey with enough waiting."""
    from .builder import survey_close

    today = timezone.localdate()
    closed = 0
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_on__lt=today).select_related("unit"):
        survey_close(acting_user=None, survey=survey)
        closed += 1
    written = 0
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, pending__isnull=False).distinct():
        written += ballots_flush(survey=survey)
    return {"closed": closed, "written": written}
