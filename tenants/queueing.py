"""Queueing tasks from the request path without ever waiting on the broker.

A request that queued work with ``transaction.on_commit(lambda: task.delay(...))`` answered only
once the broker took the message: with Redis frozen (SIGSTOP, a failover, a full disk) that
was 30–120 s per write. Every request-path publish goes through ``publish_after_commit``
instead: after the commit the message is handed to a background publisher thread of this
process (a bounded queue, short broker socket timeouts, a circuit breaker that drops messages
for a while after a failure) and the request goes on at once.

A message that is dropped or fails is not lost: each task kind queued this way has a beat-driven
relay that finds its work in the database (the search outbox drain, the import job leases, the
extraction sweep, the transfer move and batch relays), and ``durable=True`` records the message
itself (``TaskDelivery``, in the caller's transaction) for kinds without such state (archiving
an institution), which ``tenants.tasks.relay_deliveries`` publishes again if it never started.

Inside a worker task, ``publish`` sends at once (bounded by the same socket timeouts): a worker
is not a request, and its own publishes are then ordered with its work.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def _send(task: Any, args: Sequence[Any], kwargs: dict[str, Any] | None) -> None:
    # No retry loop: a publish that fails is left to the relays, not retried while work waits.
    task.apply_async(args=tuple(args), kwargs=kwargs or {}, retry=False)


class Publisher:
    """One per process: a daemon thread that publishes what requests hand it."""

    def __init__(self, *, capacity: int, pause: float) -> None:
        self.queue: queue.Queue[tuple[Any, Sequence[Any], dict[str, Any] | None]] = queue.Queue(maxsize=capacity)
        self.pause = pause
        self.closed_until = 0.0  # the breaker: messages are dropped until this monotonic time
        self.dropped = 0
        self.thread = threading.Thread(target=self._run, name="partycloud-task-publisher", daemon=True)
        self.thread.start()

    def submit(self, task: Any, args: Sequence[Any], kwargs: dict[str, Any] | None) -> bool:
        """Hand a message over; never blocks. False: dropped (the relays will find the work)."""
        if time.monotonic() < self.closed_until:
            return self._drop(task, "the broker failed recently")
        try:
            self.queue.put_nowait((task, args, kwargs))
        except queue.Full:
            return self._drop(task, "the publish queue is full")
        return True

    def idle(self, timeout: float) -> bool:
        """Wait until everything handed over so far was published or dropped (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _drop(self, task: Any, why: str) -> bool:
        self.dropped += 1
        logger.warning("task %s not queued (%s); its relay will pick the work up", task.name, why)
        return False

    def _run(self) -> None:
        while True:
            task, args, kwargs = self.queue.get()
            try:
                if time.monotonic() < self.closed_until:
                    self._drop(task, "the broker failed recently")
                else:
                    _send(task, args, kwargs)
            except Exception:
                self.closed_until = time.monotonic() + self.pause
                logger.warning(
                    "task %s not queued: the broker failed; pausing %.0fs", task.name, self.pause, exc_info=True
                )
                self.dropped += 1
            finally:
                self.queue.task_done()


_lock = threading.Lock()
_publisher: Publisher | None = None
_publisher_pid: int | None = None


def publisher() -> Publisher:
    """This process's publisher (a forked child starts its own)."""
    global _publisher, _publisher_pid
    with _lock:
        if _publisher is None or _publisher_pid != os.getpid():
            _publisher = Publisher(capacity=settings.TASK_PUBLISH_QUEUE_SIZE, pause=settings.TASK_PUBLISH_PAUSE_SECONDS)
            _publisher_pid = os.getpid()
        return _publisher


def publish(task: Any, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None) -> bool:
    """Queue ``task`` now without waiting on the broker in a request. True if it was handed over
    (or sent, in a worker); False if it was dropped."""
    from celery import current_task

    if settings.CELERY_TASK_ALWAYS_EAGER:
        task.apply_async(args=tuple(args), kwargs=kwargs or {})
        return True
    if current_task and not current_task.request.called_directly:  # a proxy: falsy outside a task
        try:
            _send(task, args, kwargs)
            return True
        except Exception:
            logger.warning(
                "task %s not queued from a worker; its relay will pick the work up", task.name, exc_info=True
            )
            return False
    return publisher().submit(task, args, kwargs)


def publish_by_name(name: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None) -> bool:
    from celery import current_app

    return publish(current_app.tasks[name], args, kwargs)


def publish_after_commit(task: Any, *args: Any, durable: bool = False, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` once the caller's transaction commits (at once outside
    one), never waiting on the broker. ``durable``: also record the message in the caller's
    transaction, for a task kind that has no other relay (see the module docstring)."""
    if durable:
        from .deliveries import delivery_queued

        per_institution = getattr(task.run, "per_institution", False)
        delivery_queued(
            task_name=task.name, args=args, kwargs=kwargs, schema_name=str(args[0]) if per_institution else ""
        )
    transaction.on_commit(lambda: publish(task, args, kwargs or None))
