"""Bounded redeliveries: how many times a task message reached a worker, and the dead letters.

Tasks are ``acks_late`` with ``reject_on_worker_lost``: a task whose worker dies (killed, out of
memory, past its hard time limit) is delivered again. Without a bound, a file that kills every
worker that reads it is a poison message that never ends. So every delivery of a tracked task
kind is counted in ``TaskDelivery`` (public schema; one row per task name and arguments, which
also catches the copies a sweeper queues again for the same item):

- ``delivery_begin``: +1; a row still ``running`` means the previous delivery was interrupted.
  Past the kind's ``max_deliveries`` the row is ``dead``: the body is not run again, and the
  kind's ``abandon`` hook marks its item failed with a Chinese reason.
- ``delivery_done`` deletes the row; ``delivery_failed`` keeps it with the error (the count
  goes on if the item is queued again).
- Frequent idempotent kinds (drains, dispatchers) opt out of tracking and are counted only when
  the broker says the message is a redelivery: their normal run costs no write.

Operators see dead and failed rows on the console (``dead_letter_list``) and queue one again
with a fresh count (``dead_letter_retry``, audited).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from tenants.db import connection

from .models import TaskDelivery

State = TaskDelivery.State


@dataclass(frozen=True)
class Ticket:
    """One delivery in progress: its row and what ``delivery_begin`` decided."""

    key: str
    deliveries: int
    given_up: bool


def delivery_key(task_name: str, args: Any, kwargs: Any) -> str:
    payload = json.dumps([task_name, list(args), dict(kwargs or {})], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def interrupted_reason() -> str:
    return _("上次执行被中断（进程被终止、超过时限或内存上限）。")


_BEGIN = f"""
INSERT INTO {TaskDelivery._meta.db_table} AS row
    (key, task_name, args, kwargs, schema_name, state, deliveries, last_error, created_at, updated_at)
VALUES (%(key)s, %(name)s, %(args)s, %(kwargs)s, %(schema)s, 'running', %(first)s, %(first_error)s, now(), now())
ON CONFLICT (key) DO UPDATE SET
    deliveries = row.deliveries + 1,
    state = CASE WHEN row.state = 'dead' THEN 'dead' ELSE 'running' END,
    last_error = CASE WHEN row.state = 'running' THEN %(interrupted)s ELSE row.last_error END,
    updated_at = now()
RETURNING deliveries, state
"""


def delivery_begin(
    *, task_name: str, args: Any, kwargs: Any, schema_name: str, max_deliveries: int, redelivered: bool
) -> Ticket:
    """Count this delivery (committed at once, whatever the task does next) and decide whether
    the body may run. ``redelivered``: the broker says an earlier delivery was lost, which counts."""
    key = delivery_key(task_name, args, kwargs)
    params = {
        "key": key,
        "name": task_name[:200],
        "args": json.dumps(list(args), default=str),
        "kwargs": json.dumps(dict(kwargs or {}), default=str),
        "schema": schema_name[:63],
        "first": 2 if redelivered else 1,
        "first_error": interrupted_reason() if redelivered else "",
        "interrupted": interrupted_reason(),
    }
    with schema_context("public"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_BEGIN, params)
        deliveries, state = cursor.fetchone()
        given_up = state == State.DEAD or deliveries > max_deliveries
        if given_up and state != State.DEAD:
            TaskDelivery.objects.filter(key=key).update(state=State.DEAD, updated_at=timezone.now())
    return Ticket(key=key, deliveries=deliveries, given_up=given_up)


def delivery_done(ticket: Ticket) -> None:
    with schema_context("public"):
        TaskDelivery.objects.filter(key=ticket.key).exclude(state=State.DEAD).delete()


def delivery_failed(ticket: Ticket, error: str, *, queued_again: bool = False) -> None:
    """The body raised: keep the row with the error (``queued_again``: Celery retries it)."""
    with schema_context("public"):
        TaskDelivery.objects.filter(key=ticket.key).exclude(state=State.DEAD).update(
            state=State.QUEUED if queued_again else State.FAILED, last_error=error[:500], updated_at=timezone.now()
        )


def delivery_queued(*, task_name: str, args: Any, kwargs: Any, schema_name: str = "") -> None:
    """Remember a message that must not be lost (``publish_after_commit(durable=True)``), in the
    caller's transaction: the relay (``deliveries_relay``) publishes it again if it never starts."""
    key = delivery_key(task_name, args, kwargs)
    with schema_context("public"):
        TaskDelivery.objects.update_or_create(
            key=key,
            create_defaults={
                "task_name": task_name[:200],
                "args": json.loads(json.dumps(list(args), default=str)),
                "kwargs": json.loads(json.dumps(dict(kwargs or {}), default=str)),
                "schema_name": schema_name[:63],
                "state": State.QUEUED,
                "published_at": timezone.now(),
            },
            # A new request for the same work starts afresh, even after an earlier one was given up.
            defaults={"published_at": timezone.now(), "state": State.QUEUED, "deliveries": 0, "last_error": ""},
        )


def deliveries_relay(*, now: Any = None, republish_after: timedelta, stale_after: Any) -> dict[str, int]:
    """The beat side of the rows: queue again a durable message that never started, and mark a
    delivery that stopped reporting (no redelivery came: a hard time limit acknowledges it)
    failed as interrupted, so operators see it. ``stale_after(task_name)`` is how long a
    delivery of that kind may run. Old failed rows are dropped after a week."""
    from .queueing import publish_by_name

    now = now or timezone.now()
    report = {"republished": 0, "interrupted": 0, "pruned": 0}
    with schema_context("public"):
        waiting = TaskDelivery.objects.filter(state=State.QUEUED, published_at__lt=now - republish_after)
        for row in list(waiting[:500]):
            TaskDelivery.objects.filter(pk=row.pk).update(published_at=now)
            publish_by_name(row.task_name, row.args, row.kwargs)
            report["republished"] += 1
        for row in list(TaskDelivery.objects.filter(state=State.RUNNING).order_by("updated_at")[:500]):
            if row.updated_at < now - stale_after(row.task_name):
                report["interrupted"] += TaskDelivery.objects.filter(pk=row.pk, state=State.RUNNING).update(
                    state=State.FAILED, last_error=interrupted_reason(), updated_at=now
                )
        report["pruned"], _ = TaskDelivery.objects.filter(
            state=State.FAILED, updated_at__lt=now - timedelta(days=7)
        ).delete()
    return report


def relay_unless_in_flight(task: Any, arg_lists: list[tuple[Any, ...]]) -> int:
    """Queue ``task`` again for each argument tuple whose delivery is neither running now nor
    given up (a relay's duplicate is harmless: every relayed kind is idempotent; this keeps a
    long run from getting company). Returns how many were queued."""
    from .queueing import publish

    keyed = {delivery_key(task.name, args, {}): args for args in arg_lists}
    with schema_context("public"):
        busy = set(
            TaskDelivery.objects.filter(key__in=list(keyed), state__in=[State.RUNNING, State.DEAD]).values_list(
                "key", flat=True
            )
        )
    queued = 0
    for key, args in keyed.items():
        if key not in busy:
            publish(task, args)
            queued += 1
    return queued
