"""A roster import whose worker dies is picked up again within minutes, by the housekeeping
sweep, not after the broker's one-hour visibility timeout; never by two workers at once; at
most a few times; and its page says what is happening. Through real workers: SIGKILLed
mid-commit, then finished by a fresh worker (exactly the right members, once); and stopped at
its soft time limit with nothing written."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from services.members import imports, tasks
from services.members.imports.jobs import PAUSE_ENV
from services.members.imports.leases import LEASE, MAX_ATTEMPTS
from services.members.models import ImportJob, Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from services.storage.backends import get_storage
from tenants.models import Institution, TaskDelivery
from tests.conftest import Institutions, client_for, in_schema
from tests.factories import UserFactory
from tests.members.test_import import World, row, run_validation, start, world, xlsx  # noqa: F401 (world: a fixture)
from tests.platform.celery_worker import wait_until, worker_process

Status = ImportJob.Status


def _job(status: str, **fields: Any) -> ImportJob:
    return ImportJob.objects.create(filename="a.xlsx", file_key="x/a.xlsx", status=status, language="zh-hans", **fields)


def test_the_sweep_requeues_a_job_whose_worker_went_silent_and_leaves_live_and_waiting_ones(
    inst_a: Institution, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    with in_schema(inst_a):
        silent = _job(Status.VALIDATING, attempts=1, heartbeat_at=now - LEASE * 2, processed_rows=800, total_rows=2000)
        live = _job(Status.VALIDATING, attempts=1, heartbeat_at=now - timedelta(seconds=5))
        waiting = _job(Status.VALIDATING, queued_at=now - timedelta(seconds=5))
        lost = _job(Status.COMMITTING, queued_at=now - LEASE * 2)  # its message never reached a worker
        finished = _job(Status.DONE, heartbeat_at=now - LEASE * 2)
        with mock.patch("tenants.queueing.publish") as publish, django_capture_on_commit_callbacks(execute=True):
            assert imports.jobs_sweep(now=now) == {"requeued": 2, "failed": 0}
        published = {(call.args[0], call.args[1][1]) for call in publish.call_args_list}
        assert published == {(tasks.validate_import, str(silent.pk)), (tasks.commit_import, str(lost.pk))}
        assert all(call.args[1][0] == inst_a.schema_name for call in publish.call_args_list)
        silent.refresh_from_db()
        # The new run counts its rows from the start: the dead run's 800 are not shown as progress.
        assert silent.restarted_at == now and silent.processed_rows == 0 and silent.heartbeat_at is None
        for job in (live, waiting, finished):
            job.refresh_from_db()
            assert job.restarted_at is None
        with mock.patch("tenants.queueing.publish") as publish, django_capture_on_commit_callbacks(execute=True):
            assert imports.jobs_sweep(now=now) == {"requeued": 0, "failed": 0}, "re-queued again at once"
        publish.assert_not_called()


def test_a_job_whose_runs_keep_being_interrupted_fails_with_a_chinese_reason(inst_a: Institution) -> None:
    now = timezone.now()
    with in_schema(inst_a):
        job = _job(Status.COMMITTING, attempts=MAX_ATTEMPTS, heartbeat_at=now - LEASE * 2)
        with mock.patch("tenants.queueing.publish") as publish:
            assert imports.jobs_sweep(now=now) == {"requeued": 0, "failed": 1}
        publish.assert_not_called()
        job.refresh_from_db()
        assert job.status == Status.FAILED and "处理进程多次中断" in job.failure and "未作任何改动" in job.failure


def test_a_step_claimed_by_a_live_worker_is_not_run_by_another(
    inst_a: Institution,
    world: World,  # noqa: F811 (the fixture)
) -> None:
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([row(姓名="鲁六")]))
        ImportJob.objects.filter(pk=job.pk).update(attempts=1, heartbeat_at=timezone.now())
    assert run_validation(inst_a, job).status == Status.VALIDATING, "a second worker ran a claimed step"
    with in_schema(inst_a):
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - LEASE * 2)
    job = run_validation(inst_a, job)
    assert job.status == Status.PREVIEW and job.attempts == 2


def test_the_page_says_a_job_was_restarted_and_shows_no_made_up_progress_while_committing(
    inst_a: Institution,
    world: World,  # noqa: F811 (the fixture)
) -> None:
    client = client_for(inst_a, world.admin)
    restarted = timezone.make_aware(timezone.datetime(2026, 12, 4, 14, 5), timezone.get_current_timezone())
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([row()]))
        ImportJob.objects.filter(pk=job.pk).update(
            status=Status.COMMITTING, total_rows=2000, attempts=1, restarted_at=restarted, heartbeat_at=None
        )
    status_url = reverse("member_import:status", kwargs={"pk": str(job.pk)})
    page_url = reverse("member_import:job", kwargs={"pk": str(job.pk)})
    note = "处理进程中断，系统已于 14:05 自动重新开始（第 2 次）。"
    assert client.get(status_url).json()["note"] == note
    page = client.get(page_url).content.decode()
    assert note in page and "已读取行数" not in page and "<progress></progress>" in page
    with in_schema(inst_a):
        ImportJob.objects.filter(pk=job.pk).update(attempts=2, heartbeat_at=restarted + timedelta(seconds=3))
    assert client.get(status_url).json()["note"] == note, "the restarted run began: still its second"
    with in_schema(inst_a):
        ImportJob.objects.filter(pk=job.pk).update(restarted_at=None)
    assert "正在一次性写入 2000 行" in client.get(page_url).content.decode()


# --- real workers --------------------------------------------------------------------------------


@pytest.fixture
def committed(django_db_blocker: Any, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():
        yield institutions


def _prepare(inst: Institution, tag: str) -> tuple[Any, OrgUnit]:
    with in_schema(inst):
        committee = org_unit_create(name=f"{tag}党委", kind=OrgUnit.Kind.COMMITTEE)
        branch = org_unit_create(name=f"{tag}支部", kind=OrgUnit.Kind.BRANCH, parent=committee)
        user = UserFactory(username=f"{tag}_admin", is_superuser=True)
    return user, branch


def _cleanup(inst: Institution, tag: str, job_id: str | None) -> None:
    with in_schema(inst):
        job = ImportJob.objects.filter(pk=job_id).first() if job_id else None
        if job is not None:
            get_storage().delete_prefix(job.file_key.rsplit("/", 1)[0])
            job.delete()
        Member.objects.filter(branch__name=f"{tag}支部").delete()
        OrgUnit.objects.filter(name=f"{tag}支部").delete()
        OrgUnit.objects.filter(name=f"{tag}党委").delete()
        from services.accounts.models import User

        User.objects.filter(username=f"{tag}_admin").delete()
    if job_id:
        TaskDelivery.objects.filter(args__contains=[job_id]).delete()


def _status(inst: Institution, job_id: str) -> str:
    with in_schema(inst):
        return ImportJob.objects.get(pk=job_id).status


def test_a_commit_whose_worker_is_killed_midway_is_restarted_by_the_sweep_and_imports_everyone_once(
    committed: Institutions, tmp_path: Path
) -> None:
    inst = committed.a
    tag = "租约"
    user, branch = _prepare(inst, tag)
    rows = [row(姓名=f"租约{i}", 所在支部=branch.name) for i in range(5)]
    marker = tmp_path / "paused"
    job_id = None
    try:
        with worker_process(**{PAUSE_ENV: f"{marker}:120"}) as (_queue, process):
            with in_schema(inst):
                job = start(inst, user, xlsx(rows))  # validation is queued to this worker
            job_id = str(job.pk)
            wait_until(lambda: _status(inst, job_id) == Status.PREVIEW, timeout=120, what="the validation")
            with in_schema(inst):
                assert imports.import_confirm(
                    job=job, acting_user=user, schema_name=inst.schema_name, language="zh-hans"
                )
            wait_until(marker.exists, timeout=120, what="the commit to pause inside its transaction")
            # A live worker holds the job's row: however late it is, the sweep leaves it alone.
            with in_schema(inst), mock.patch("tenants.queueing.publish") as publish:
                assert imports.jobs_sweep(now=timezone.now() + LEASE * 5) == {"requeued": 0, "failed": 0}
            publish.assert_not_called()
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)

        # The dead worker's transaction never committed: nobody was imported, nothing half-done.
        with in_schema(inst):
            assert not Member.objects.filter(branch=branch).exists()
            assert ImportJob.objects.get(pk=job_id).status == Status.COMMITTING

        with worker_process():
            later = timezone.now() + LEASE * 2

            def requeued() -> bool:  # PostgreSQL releases the dead connection's row lock promptly
                with in_schema(inst):
                    return imports.jobs_sweep(now=later)["requeued"] == 1

            wait_until(requeued, timeout=60, what="the sweep to re-queue the orphaned commit")
            wait_until(lambda: _status(inst, job_id) == Status.DONE, timeout=120, what="a fresh worker to commit")
        with in_schema(inst):
            names = sorted(Member.objects.filter(branch=branch).values_list("name", flat=True))
            assert names == sorted(f"租约{i}" for i in range(5))
            job = ImportJob.objects.get(pk=job_id)
            assert (job.attempts, job.created_count, job.restarted_at is not None) == (2, 5, True)
        with in_schema(committed.b):
            assert not Member.objects.filter(name__startswith="租约").exists()
    finally:
        _cleanup(inst, tag, job_id)


def test_a_commit_past_its_soft_time_limit_fails_with_a_reason_and_writes_nothing(
    committed: Institutions, tmp_path: Path
) -> None:
    inst = committed.a
    tag = "时限"
    user, branch = _prepare(inst, tag)
    marker = tmp_path / "paused"
    limits = json.dumps({tasks.commit_import.name: {"soft_time_limit": 3, "time_limit": 60}})
    job_id = None
    try:
        # Time limits need the prefork pool, as in production.
        with worker_process(prefork=True, TASK_LIMITS=limits, **{PAUSE_ENV: f"{marker}:120"}):
            with in_schema(inst):
                job = start(inst, user, xlsx([row(姓名="时限一", 所在支部=branch.name)]))
            job_id = str(job.pk)
            wait_until(lambda: _status(inst, job_id) == Status.PREVIEW, timeout=120, what="the validation")
            with in_schema(inst):
                imports.import_confirm(job=job, acting_user=user, schema_name=inst.schema_name, language="zh-hans")
            wait_until(lambda: _status(inst, job_id) == Status.FAILED, timeout=120, what="the soft time limit")
            assert marker.exists(), "the commit never reached its pause"
        with in_schema(inst):
            job = ImportJob.objects.get(pk=job_id)
            assert "导入超时" in job.failure and "未作任何修改" in job.failure
            assert not Member.objects.filter(branch=branch).exists()
    finally:
        _cleanup(inst, tag, job_id)
