"""Dead letters: task messages given up after their delivery bound, or whose last delivery
failed (tenants/deliveries.py), as operators see them on the console, and their retry.

A retry gives the message a fresh count: the kind's ``revive`` hook first puts its item back
where the task expects it (a version pending again, an import job back in its step), then the
message is published after the commit, recorded as queued so the relay publishes it again if
the broker drops it. Audited in the public schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from console import audit_events
from services.audit.services import audit_record
from tenants import queueing
from tenants.models import Institution, TaskDelivery

SHOWN = (TaskDelivery.State.DEAD, TaskDelivery.State.FAILED)


@dataclass(frozen=True)
class DeadLetter:
    """A row as the console lists it."""

    row: TaskDelivery
    institution: str  # the institution's name, or "" for a platform task
    kind: str  # the task kind in the reader's language


def _kind(task_name: str) -> str:
    task = current_app.tasks.get(task_name)
    verbose = getattr(task, "verbose_name", "") if task is not None else ""
    return str(verbose) or task_name


def dead_letter_count() -> int:
    return TaskDelivery.objects.filter(state__in=SHOWN).count()


def dead_letter_list(*, limit: int = 200) -> list[DeadLetter]:
    """The most recent given-up and failed messages first."""
    rows = list(TaskDelivery.objects.filter(state__in=SHOWN).order_by("-updated_at", "-id")[:limit])
    schemas = {row.schema_name for row in rows if row.schema_name}
    names = dict(Institution.objects.filter(schema_name__in=schemas).values_list("schema_name", "name"))
    return [
        DeadLetter(
            row=row,
            institution=names.get(row.schema_name, row.schema_name) if row.schema_name else "",
            kind=_kind(row.task_name),
        )
        for row in rows
    ]


def dead_letter_retry(*, delivery: TaskDelivery, acting_user: Any) -> TaskDelivery:
    """Queue a given-up or failed message again with a fresh count (see the module docstring)."""
    task = current_app.tasks.get(delivery.task_name)
    if task is None:
        raise ValidationError(_("该后台任务已不存在，无法重新执行。"))
    with transaction.atomic():
        locked = TaskDelivery.objects.select_for_update().filter(pk=delivery.pk, state__in=SHOWN).first()
        if locked is None:
            raise ValidationError(_("该任务已在重新执行或已完成。"))
        before = {"state": locked.state, "deliveries": locked.deliveries, "last_error": locked.last_error}
        revive = getattr(type(task), "revive", None)
        if revive is not None:
            revive(*locked.args, **locked.kwargs)
        locked.state = TaskDelivery.State.QUEUED
        locked.deliveries = 0
        locked.last_error = ""
        locked.published_at = timezone.now()
        locked.save(update_fields=["state", "deliveries", "last_error", "published_at", "updated_at"])
        audit_record(
            event=audit_events.TASK_RETRIED,
            actor=acting_user,
            target=locked,
            before=before,
            detail={"task": locked.task_name, "institution": locked.schema_name},
        )
        args, kwargs = list(locked.args), dict(locked.kwargs)
        transaction.on_commit(lambda: queueing.publish(task, args, kwargs or None))
    return locked
