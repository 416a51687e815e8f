"""Text extraction on real workers, within its limits: a decompression bomb is refused before it
is read, a file that needs more memory than the task's cap is stopped mid-way, and a message
whose worker keeps dying is given up after its bound. Each time the version is marked failed
with a Chinese reason, stays downloadable, and the worker goes on serving the next task."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from console.tasks import clear_expired_sessions
from services.accounts.models import User
from services.documents import services
from services.documents.models import Document, DocumentVersion
from services.documents.tasks import extract_version
from services.storage.backends import get_storage
from tenants.models import Institution, TaskDelivery
from tenants.task_guard import PAUSE_ENV
from tests.conftest import Institutions, in_schema
from tests.documents.files import docx_bomb, docx_bytes, xlsx_with_shared_strings
from tests.factories import UserFactory
from tests.platform.celery_worker import wait_until, worker_process

E = DocumentVersion.Extraction
MB = 1024 * 1024
TITLE = "工作进程限额测试"


@pytest.fixture
def committed(django_db_blocker: Any, institutions: Institutions, real_media: None) -> Iterator[Institutions]:
    with django_db_blocker.unblock():
        yield institutions


@pytest.fixture
def admin(committed: Institutions) -> Iterator[User]:
    inst = committed.a
    with in_schema(inst):
        user = UserFactory(username="limits_admin", is_superuser=True)
    yield user
    with in_schema(inst):
        for document in Document.objects.filter(title__startswith=TITLE):
            for key in document.versions.values_list("storage_key", flat=True):
                get_storage().delete(key)
            document.delete()
        User.objects.filter(username="limits_admin").delete()
        Session.objects.filter(session_key__startswith="limits-").delete()
    TaskDelivery.objects.filter(schema_name=inst.schema_name, task_name=extract_version.name).delete()


def _upload(inst: Institution, user: User, data: bytes, filename: str) -> int:
    """Publish a document (its extraction is queued, after the commit, to the test's worker)."""
    with in_schema(inst):
        document = services.document_create(
            acting_user=user,
            kind=Document.Kind.STUDY,
            title=f"{TITLE}{filename}",
            upload=io.BytesIO(data),
            filename=filename,
        )
        assert document.current_version_id is not None
        return document.current_version_id


def _version(inst: Institution, pk: int) -> DocumentVersion:
    with in_schema(inst):
        return DocumentVersion.objects.get(pk=pk)


def _extracted(inst: Institution, pk: int) -> bool:
    return _version(inst, pk).extraction_status != E.PENDING


def _serves_the_next_task(inst: Institution, queue: str) -> None:
    """The worker is alive and takes new work: it clears an expired session of ``inst``."""
    key = f"limits-{timezone.now().timestamp()}"
    with in_schema(inst):
        Session.objects.create(session_key=key, session_data="x", expire_date=timezone.now() - timedelta(days=1))
    clear_expired_sessions.apply_async(args=[inst.schema_name], queue=queue)

    def cleared() -> bool:
        with in_schema(inst):
            return not Session.objects.filter(session_key=key).exists()

    wait_until(cleared, timeout=90, what="the worker to serve the next task")


def test_a_docx_bomb_is_refused_by_the_worker_which_then_serves_the_next_task(
    committed: Institutions, admin: User
) -> None:
    inst = committed.a
    # Small limits keep the bomb small here; bench/extraction.py runs one of hundreds of MB.
    with worker_process(UNZIP_MAX_ENTRY_BYTES=str(2 * MB), UNZIP_MAX_TOTAL_BYTES=str(4 * MB)) as (queue, _process):
        bomb = _upload(inst, admin, docx_bomb(6 * MB), "炸弹.docx")
        wait_until(lambda: _extracted(inst, bomb), timeout=120, what="the worker to deal with the bomb")
        version = _version(inst, bomb)
        assert version.extraction_status == E.FAILED and version.text == ""
        assert "文件解压后过大" in version.extraction_error and "文件仍可下载" in version.extraction_error
        with get_storage().open(version.storage_key) as stored:
            assert len(stored.read()) == version.size  # kept whole, downloadable
        fine = _upload(inst, admin, docx_bytes("炸弹之后的文件照常提取"), "正常.docx")
        wait_until(lambda: _extracted(inst, fine), timeout=120, what="the next extraction")
        assert "照常提取" in _version(inst, fine).text
        _serves_the_next_task(inst, queue)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_an_extraction_past_its_memory_cap_is_stopped_midway_and_the_worker_lives_on(
    committed: Institutions, admin: User
) -> None:
    inst = committed.a
    # 60 MB of shared strings (within the unzip limits) that openpyxl holds in memory at once.
    heavy = xlsx_with_shared_strings(60 * MB)
    limits = json.dumps({extract_version.name: {"memory_limit_mb": 32}})
    with worker_process(TASK_LIMITS=limits) as (queue, process):
        pk = _upload(inst, admin, heavy, "名单.xlsx")
        wait_until(lambda: _extracted(inst, pk), timeout=120, what="the worker to stop the extraction")
        version = _version(inst, pk)
        assert version.extraction_status == E.FAILED and "内存超过上限" in version.extraction_error
        assert process.poll() is None, "the cap stops the task, not the worker"
        _serves_the_next_task(inst, queue)


def test_a_message_whose_worker_keeps_dying_is_given_up_and_its_version_marked_failed(
    committed: Institutions, admin: User, tmp_path: Path
) -> None:
    inst = committed.a
    marker = tmp_path / "paused"
    pause = f"{extract_version.name}|{marker}|120"
    with worker_process(prefork=True, **{PAUSE_ENV: pause}) as (queue, process):
        pk = _upload(inst, admin, "每次都让工作进程退出的文件".encode(), "毒丸.txt")
        for _kill in range(3):  # what an out-of-memory kill or a crash does, three times over
            wait_until(lambda: marker.exists() and marker.read_text().strip(), timeout=120, what="a delivery")
            child = int(marker.read_text())
            marker.unlink()
            os.kill(child, signal.SIGKILL)
        # The fourth delivery is not run: the version is marked failed instead.
        wait_until(lambda: _extracted(inst, pk), timeout=120, what="the message to be given up")
        version = _version(inst, pk)
        assert version.extraction_status == E.FAILED
        assert version.extraction_error == "文件多次处理中断，已停止提取，文件仍可下载。"
        row = TaskDelivery.objects.get(task_name=extract_version.name, args=[inst.schema_name, pk])
        assert (row.state, row.deliveries, row.schema_name) == (TaskDelivery.State.DEAD, 4, inst.schema_name)
        assert "中断" in row.last_error
        assert not marker.exists(), "the given-up message ran its body again"
        assert process.poll() is None
        _serves_the_next_task(inst, queue)
