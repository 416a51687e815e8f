"""Every task runs under limits and bounded redeliveries (tenants/task_guard.py,
tenants/deliveries.py): deliveries are counted, a message past its bound is given up, a task past
its memory cap fails mid-way and the process lives on. The workers themselves are exercised in
tests/documents/test_worker_limits.py and tests/members/test_import_leases.py."""

from __future__ import annotations

import re
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from partycloud.celery import app
from tenants.deliveries import (
    deliveries_relay,
    delivery_begin,
    delivery_done,
    delivery_failed,
    delivery_key,
    delivery_queued,
)
from tenants.models import TaskDelivery
from tenants.task_guard import BoundedTask, failure_text, memory_cap

State = TaskDelivery.State
NAME = "services.documents.tasks.extract_version"


def _begin(args: tuple[object, ...] = ("inst_x", 7), *, redelivered: bool = False, bound: int = 3):  # type: ignore[no-untyped-def]
    return delivery_begin(
        task_name=NAME, args=args, kwargs={}, schema_name="inst_x", max_deliveries=bound, redelivered=redelivered
    )


@pytest.mark.django_db
def test_a_delivery_is_counted_and_forgotten_once_it_finishes() -> None:
    ticket = _begin()
    assert (ticket.deliveries, ticket.given_up) == (1, False)
    row = TaskDelivery.objects.get(key=ticket.key)
    assert (row.state, row.task_name, row.args, row.schema_name) == (State.RUNNING, NAME, ["inst_x", 7], "inst_x")
    delivery_done(ticket)
    assert not TaskDelivery.objects.filter(key=ticket.key).exists()


@pytest.mark.django_db
def test_an_interrupted_delivery_is_noticed_by_the_next_and_the_fourth_is_given_up_for_good() -> None:
    for expected in (1, 2, 3):
        ticket = _begin()  # each time the worker "dies": nothing finishes the delivery
        assert (ticket.deliveries, ticket.given_up) == (expected, False)
    row = TaskDelivery.objects.get(key=ticket.key)
    assert "中断" in row.last_error
    assert _begin().given_up
    assert TaskDelivery.objects.get(key=ticket.key).state == State.DEAD
    assert _begin(bound=100).given_up, "a given-up message stays given up until an operator retries it"


@pytest.mark.django_db
def test_a_redelivered_message_of_an_untracked_kind_counts_its_lost_first_delivery() -> None:
    ticket = _begin(("inst_y",), redelivered=True)
    assert ticket.deliveries == 2
    assert "中断" in TaskDelivery.objects.get(key=ticket.key).last_error


@pytest.mark.django_db
def test_a_failed_delivery_keeps_its_count_for_the_next_one() -> None:
    ticket = _begin()
    delivery_failed(ticket, "超过执行时限。")
    row = TaskDelivery.objects.get(key=ticket.key)
    assert (row.state, row.last_error) == (State.FAILED, "超过执行时限。")
    assert _begin().deliveries == 2


def test_what_operators_read_about_a_failure_never_quotes_the_exception() -> None:
    secret = "张三 110108199005170032"
    text = failure_text(ValueError(secret))
    assert secret not in text and "ValueError" in text
    assert failure_text(MemoryError()) == "超过内存上限。"


@pytest.mark.django_db
def test_a_durable_message_that_never_started_is_published_again_and_a_silent_one_is_marked_interrupted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published: list[tuple[str, object]] = []
    monkeypatch.setattr("tenants.queueing.publish_by_name", lambda name, args, kwargs: published.append((name, args)))
    delivery_queued(task_name="console.tasks.archive_institution", args=(5, 1), kwargs={})
    silent = _begin(("inst_z", 9))
    later = timezone.now() + timedelta(hours=2)
    report = deliveries_relay(
        now=later, republish_after=timedelta(minutes=5), stale_after=lambda name: timedelta(hours=1)
    )
    assert ("console.tasks.archive_institution", [5, 1]) in published
    assert report["republished"] >= 1 and report["interrupted"] >= 1
    row = TaskDelivery.objects.get(key=silent.key)
    assert row.state == State.FAILED and "中断" in row.last_error
    # Published again just now: not again until another 5 minutes have passed.
    published.clear()
    deliveries_relay(now=later, republish_after=timedelta(minutes=5), stale_after=lambda name: timedelta(hours=1))
    assert ("console.tasks.archive_institution", [5, 1]) not in published


def test_the_key_names_the_task_and_its_arguments() -> None:
    assert delivery_key(NAME, ("a", 1), {}) == delivery_key(NAME, ["a", 1], None)
    assert delivery_key(NAME, ("a", 1), {}) != delivery_key(NAME, ("a", 2), {})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_the_memory_cap_stops_an_allocation_midway_and_is_lifted_afterwards() -> None:
    with pytest.raises(MemoryError), memory_cap(64):
        bytearray(512 * 1024 * 1024)
    assert len(bytearray(128 * 1024 * 1024)) == 128 * 1024 * 1024  # the cap is gone again


def _our_tasks() -> list[BoundedTask]:
    app.loader.import_default_modules()
    return [task for name, task in sorted(app.tasks.items()) if name.startswith(("services.", "tenants.", "console."))]  # type: ignore[misc]


@pytest.mark.parametrize("task", _our_tasks(), ids=lambda task: task.name)
def test_every_task_kind_runs_under_a_time_limit_a_memory_cap_and_a_delivery_bound(task: BoundedTask) -> None:
    assert isinstance(task, BoundedTask)
    limits = task.effective_limits()
    assert 0 < limits["soft_time_limit"] < limits["time_limit"], limits
    assert limits["memory_limit_mb"] > 0 and limits["max_deliveries"] >= 1
    assert re.search(r"[\u4e00-\u9fff]", str(task.verbose_name)), "operators read the kind in Chinese"
    # Declared where the task is declared, not only inherited from the defaults.
    assert task.soft_time_limit and task.time_limit and task.memory_limit_mb, "declare the limits on the task"


@pytest.mark.django_db
def test_a_new_request_for_work_given_up_earlier_starts_with_a_fresh_count() -> None:
    args = (5, 1)
    for _delivery in range(4):
        ticket = delivery_begin(
            task_name="console.tasks.archive_institution",
            args=args,
            kwargs={},
            schema_name="",
            max_deliveries=3,
            redelivered=False,
        )
    assert ticket.given_up
    delivery_queued(task_name="console.tasks.archive_institution", args=args, kwargs={})
    again = delivery_begin(
        task_name="console.tasks.archive_institution",
        args=args,
        kwargs={},
        schema_name="",
        max_deliveries=3,
        redelivered=False,
    )
    assert (again.deliveries, again.given_up) == (1, False)
