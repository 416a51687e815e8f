"""Publishing from the request path never waits on the broker (tenants/queueing.py): messages go
to a per-process publisher thread through a bounded queue; a full queue or a recent broker
failure drops the message at once (its relay finds the work); a durable message is recorded in
the caller's transaction. The whole path through a real server and a frozen Redis is in
tests/platform/test_frozen_broker.py."""

from __future__ import annotations

import threading
import time
from typing import Any
from unittest import mock

import pytest

from console.tasks import archive_institution, clear_expired_sessions
from tenants import queueing
from tenants.models import TaskDelivery
from tenants.queueing import Publisher, publish_after_commit


class _Stuck:
    """A broker call that hangs until released (what a frozen Redis does)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls: list[Any] = []

    def __call__(self, task: Any, args: Any, kwargs: Any) -> None:
        self.calls.append(args)
        self.release.wait(30)


def test_a_hanging_broker_never_holds_the_caller_and_a_full_queue_drops_at_once() -> None:
    stuck = _Stuck()
    with mock.patch.object(queueing, "_send", stuck):
        publisher = Publisher(capacity=2, pause=30)
        accepted = [publisher.submit(clear_expired_sessions, (f"s{i}",), None) for i in range(5)]
        # One is being sent (hanging), two wait in the queue, the rest were dropped at once.
        assert accepted.count(True) in (2, 3) and accepted[-1] is False
        assert publisher.dropped == accepted.count(False)
        stuck.release.set()
        assert publisher.idle(timeout=30)
    assert len(stuck.calls) == accepted.count(True)


def test_after_a_broker_failure_messages_are_dropped_for_a_while_then_sent_again() -> None:
    sent: list[Any] = []

    def failing_then_fine(task: Any, args: Any, kwargs: Any) -> None:
        if not sent and not getattr(failing_then_fine, "failed", False):
            failing_then_fine.failed = True  # type: ignore[attr-defined]
            raise ConnectionError("broker unreachable")
        sent.append(args)

    with mock.patch.object(queueing, "_send", failing_then_fine):
        publisher = Publisher(capacity=10, pause=0.5)
        assert publisher.submit(clear_expired_sessions, ("a",), None)
        assert publisher.idle(timeout=10)
        assert not publisher.submit(clear_expired_sessions, ("b",), None), "sent although the breaker is open"
        time.sleep(0.6)
        assert publisher.submit(clear_expired_sessions, ("c",), None)
        assert publisher.idle(timeout=10)
    assert sent == [("c",)]


@pytest.mark.django_db
def test_publish_after_commit_hands_over_only_once_committed_and_a_durable_message_is_recorded(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with mock.patch.object(queueing, "publish") as publish:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            publish_after_commit(archive_institution, 41, 7, durable=True)
        publish.assert_not_called()
        row = TaskDelivery.objects.get(task_name=archive_institution.name)
        assert (row.state, row.args, row.published_at is not None) == (TaskDelivery.State.QUEUED, [41, 7], True)
        for callback in callbacks:
            callback()
    publish.assert_called_once_with(archive_institution, (41, 7), None)


def test_each_process_has_its_own_publisher() -> None:
    first = queueing.publisher()
    assert queueing.publisher() is first
    with mock.patch("os.getpid", return_value=-1):  # as in a forked child
        assert queueing.publisher() is not first
