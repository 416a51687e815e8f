from __future__ import annotations

import io
import os
import tarfile
import threading
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists

from console import archive, services
from console import audit_events as console_events
from console.tasks import archive_institution
from services.accounts.models import ApiToken, User
from services.accounts.services import api_token_create
from services.audit.models import AuditEvent
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from services.storage.backends import get_storage
from tenants.models import Institution
from tenants.provisioning import schema_drop
from tests.conftest import client_for, host_of, in_schema
from tests.platform.celery_worker import celery_worker, wait_until

# The disposable institution's code. Each xdist worker has its own database but the same storage
# directory, and the fixture deletes the institution's files and archives by prefix: one code per
# worker, so that one worker's clean-up never removes what a test of the other is reading.
CODE = "archtest" + os.environ.get("PYTEST_XDIST_WORKER", "").removeprefix("gw")


def test_suspend_needs_a_reason_and_is_audited(inst_a: Institution, operator: User) -> None:
    with pytest.raises(ValidationError, match="暂停原因"):
        services.institution_suspend(institution=inst_a, reason="  ", acting_user=operator)
    with pytest.raises(ValidationError, match="暂停原因不能超过 200 个字"):
        services.institution_suspend(institution=inst_a, reason="长" * 201, acting_user=operator)
    suspended = services.institution_suspend(institution=inst_a, reason="学期结束", acting_user=operator)
    assert suspended.status == Institution.Status.SUSPENDED and suspended.status_reason == "学期结束"
    event = AuditEvent.objects.get(event=console_events.INSTITUTION_SUSPENDED, object_id=str(inst_a.pk))
    assert event.actor_username == "op"
    assert event.before == {"status": "active", "status_reason": ""}
    assert event.after == {"status": "suspended", "status_reason": "学期结束"}


def test_resume_of_an_active_institution_is_refused(inst_a: Institution) -> None:
    with pytest.raises(ValidationError, match="学校当前为“正常”状态，不能恢复正常"):
        services.institution_resume(institution=inst_a)


def test_delete_is_refused_unless_archived_with_an_export(inst_a: Institution) -> None:
    with pytest.raises(ValidationError, match="学校当前为“正常”状态，不能永久删除"):
        services.institution_delete(institution=inst_a, confirmation=inst_a.code)
    Institution.objects.filter(pk=inst_a.pk).update(status=Institution.Status.ARCHIVED)
    with pytest.raises(ValidationError, match="只能删除已归档（已导出）的学校"):
        services.institution_delete(institution=inst_a, confirmation=inst_a.code)
    assert schema_exists(inst_a.schema_name)


def test_resume_of_an_archived_institution_is_refused(inst_a: Institution, operator: User) -> None:
    """Reproduction 11: an operator's resume reactivated an archived institution."""
    Institution.objects.filter(pk=inst_a.pk).update(status=Institution.Status.ARCHIVED, status_reason="已归档")
    with pytest.raises(ValidationError, match="学校当前为“已归档”状态，不能恢复正常"):
        services.institution_resume(institution=inst_a, acting_user=operator)
    inst_a.refresh_from_db()
    assert inst_a.status == Institution.Status.ARCHIVED
    assert not AuditEvent.objects.filter(event=console_events.INSTITUTION_RESUMED, object_id=str(inst_a.pk)).exists()


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("archiving", "resume"),
        ("archiving", "suspend"),
        ("archiving", "archive"),
        ("archived", "archive"),
        ("archived", "suspend"),
        ("suspended", "suspend"),
        ("active", "resume"),
    ],
)
def test_every_transition_outside_the_table_is_refused_in_chinese(
    inst_a: Institution, status: str, action: str
) -> None:
    assert services.LIFECYCLE[action].get(status) is None
    Institution.objects.filter(pk=inst_a.pk).update(status=status)
    call = {
        "resume": lambda: services.institution_resume(institution=inst_a),
        "suspend": lambda: services.institution_suspend(institution=inst_a, reason="检查"),
        "archive": lambda: services.institution_archive_start(institution=inst_a, confirmation="alpha", queue=False),
    }[action]
    with pytest.raises(ValidationError, match=r"学校当前为“.+”状态，不能"):
        call()
    assert Institution.objects.get(pk=inst_a.pk).status == status


def test_archiving_needs_the_code_typed_again(inst_a: Institution) -> None:
    with pytest.raises(ValidationError, match="确认内容与学校代码不一致，未归档"):
        services.institution_archive_start(institution=inst_a, confirmation="", queue=False)
    with pytest.raises(CommandError, match="确认内容与学校代码不一致，未归档"):
        call_command("institution_lifecycle", "archive", "alpha", stdout=io.StringIO())
    assert Institution.objects.get(pk=inst_a.pk).status == Institution.Status.ACTIVE


@pytest.fixture
def committed(django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """No test transaction: pg_dump and pg_restore run in other processes and must see the data."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield


@pytest.fixture
def disposable(committed: None, institutions: object) -> Iterator[Institution]:
    institution, _ = services.institution_create(code=CODE, name="归档测试学院", admin_password="Admin-pass-2026!")
    yield institution
    leftover = Institution.objects.filter(code=CODE).first()
    if leftover is not None:
        leftover.delete()
    if schema_exists(f"inst_{CODE}"):
        schema_drop(f"inst_{CODE}")
    get_storage().delete_prefix(f"inst_{CODE}/")
    get_storage().delete_prefix(f"_archives/{CODE}/")


def test_archive_delete_restore_round_trip(disposable: Institution) -> None:
    storage = get_storage()
    with in_schema(disposable):
        org_unit_create(name="恢复测试党支部", kind=OrgUnit.Kind.BRANCH)
    storage.save(f"inst_{CODE}/documents/note.txt", io.BytesIO("会议纪要".encode()))

    archived = services.institution_archive(institution=disposable, confirmation=CODE)
    assert archived.status == Institution.Status.ARCHIVED
    with storage.open(archived.last_export_key) as handle, tarfile.open(fileobj=handle, mode="r:gz") as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "schema.dump", f"files/inst_{CODE}/documents/note.txt"} <= names

    with pytest.raises(ValidationError, match="不一致"):
        services.institution_delete(institution=archived, confirmation="wrong")
    services.institution_delete(institution=archived, confirmation=f"{CODE.upper()} ")
    assert not Institution.objects.filter(code=CODE).exists()
    assert not schema_exists(f"inst_{CODE}")
    assert not storage.exists(f"inst_{CODE}/documents/note.txt")
    assert AuditEvent.objects.filter(
        event=console_events.INSTITUTION_DELETED, detail__archive=archived.last_export_key
    ).exists()

    with storage.open(archived.last_export_key) as handle:
        restored = services.institution_restore(archive_file=handle)
    assert restored.status == Institution.Status.ACTIVE
    with in_schema(restored):
        assert OrgUnit.objects.filter(name="恢复测试党支部").exists()
        assert User.objects.get(username="admin").check_password("Admin-pass-2026!")
    with storage.open(f"inst_{CODE}/documents/note.txt") as handle:
        assert handle.read().decode() == "会议纪要"
    assert client_for(restored).get("/accounts/login/").status_code == 200


def test_restore_refuses_to_overwrite_an_existing_institution(disposable: Institution) -> None:
    key = services.institution_export(institution=disposable)
    with get_storage().open(key) as handle, pytest.raises(ValidationError, match="已存在"):
        services.institution_restore(archive_file=handle)
    assert Institution.objects.filter(code=CODE).count() == 1


def test_restore_rejects_a_file_that_is_not_an_archive(committed: None, institutions: object) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("hello.txt")
        tar.addfile(info, io.BytesIO(b""))
    buffer.seek(0)
    with pytest.raises(ValidationError, match=r"manifest\.json"):
        services.institution_restore(archive_file=buffer)


def _exports_of(institution: Institution) -> int:
    return AuditEvent.objects.filter(event=console_events.INSTITUTION_EXPORTED, object_id=str(institution.pk)).count()


def test_two_racing_archives_run_the_export_once(disposable: Institution) -> None:
    """Reproduction 11: two concurrent archive requests both ran the export. Two threads (two
    connections, committed data) archive the same institution at the same moment."""
    real_export = archive.export_institution
    exports: list[str] = []
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def counted_export(institution: Institution) -> str:
        exports.append(institution.code)
        return real_export(institution)

    def archive_once() -> None:
        try:
            own = Institution.objects.get(pk=disposable.pk)  # each thread its own row and connection
            barrier.wait(timeout=30)
            services.institution_archive(institution=own, confirmation=CODE)
            outcomes.append("archived")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    with mock.patch.object(archive, "export_institution", side_effect=counted_export):
        threads = [threading.Thread(target=archive_once) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert exports == [CODE]
    assert sorted(outcomes)[0] == "archived" and "不能" in sorted(outcomes)[1], outcomes
    assert Institution.objects.get(pk=disposable.pk).status == Institution.Status.ARCHIVED
    assert _exports_of(disposable) == 1


def test_a_failed_export_leaves_the_institution_suspended_with_the_reason(disposable: Institution) -> None:
    with (
        mock.patch.object(archive, "export_institution", side_effect=OSError("存储空间不足")),
        pytest.raises(OSError),
    ):
        services.institution_archive(institution=disposable, confirmation=CODE)
    failed = Institution.objects.get(pk=disposable.pk)
    assert failed.status == Institution.Status.SUSPENDED
    assert failed.status_reason == "归档失败，已暂停使用：存储空间不足"
    assert _exports_of(disposable) == 0
    # The operator tries again once the cause is fixed.
    assert services.institution_archive(institution=failed, confirmation=CODE).status == "archived"


def test_two_racing_archive_requests_through_the_api_export_once_on_a_real_worker(disposable: Institution) -> None:
    """The same race through the platform API: one request is accepted, the other finds the
    institution archiving; the one queued task runs on a real worker, and a second delivery of
    it changes nothing."""
    leftover = User.objects.filter(username="race-op")  # from an interrupted --reuse-db run
    leftover._raw_delete(leftover.db)
    operator = User.objects.create(username="race-op", platform_role="operator", is_staff=True)
    _, raw = api_token_create(user=operator, name="race")
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def post() -> None:
        try:
            client = Client(HTTP_HOST=host_of(None), HTTP_AUTHORIZATION=f"Bearer {raw}")
            barrier.wait(timeout=30)
            answer = client.post(
                f"/api/institutions/{CODE}/archive/", {"confirmation": CODE}, content_type="application/json"
            )
            answers.append(answer.status_code)
        finally:
            connection.close()

    try:
        with celery_worker() as queue:
            threads = [threading.Thread(target=post) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert sorted(answers) == [202, 400]
            wait_until(
                lambda: Institution.objects.get(pk=disposable.pk).status == Institution.Status.ARCHIVED,
                timeout=180,
                what="the worker to archive the institution",
            )
            archive_institution.apply_async(args=[disposable.pk, operator.pk], queue=queue)  # delivered again
            wait_until(lambda: _worker_idle(queue), what="the second delivery to be taken")
        # Leaving the block stops the worker after the task it is running.
        assert archive_institution(disposable.pk, operator.pk) == ""  # and once more in this process
        assert _exports_of(disposable) == 1
        assert len(list(get_storage().list(f"_archives/{CODE}/"))) == 1
    finally:
        # Django's cascade would look for institution-only tables the public schema lacks.
        ApiToken.objects.filter(user=operator).delete()
        users = User.objects.filter(pk=operator.pk)
        users._raw_delete(users.db)


def _worker_idle(queue: str) -> bool:
    from tests.platform.celery_worker import broker_redis

    return broker_redis().llen(queue) == 0


@pytest.fixture
def restore_operator(committed: None) -> Iterator[User]:
    """A platform operator in committed data (the console's restore runs pg_restore in another process)."""
    leftover = User.objects.filter(username="restore-op")  # from an interrupted --reuse-db run
    leftover._raw_delete(leftover.db)
    operator = User.objects.create(username="restore-op", platform_role="operator", is_staff=True)
    yield operator
    ApiToken.objects.filter(user=operator).delete()
    users = User.objects.filter(pk=operator.pk)
    users._raw_delete(users.db)


def _archived_and_deleted(institution: Institution) -> str:
    with in_schema(institution):
        org_unit_create(name="恢复测试党支部", kind=OrgUnit.Kind.BRANCH)
    key = services.institution_archive(institution=institution, confirmation=CODE).last_export_key
    services.institution_delete(institution=Institution.objects.get(pk=institution.pk), confirmation=CODE)
    return key


def test_a_deleted_institution_is_restored_from_the_console_page_with_its_code_typed_again(
    disposable: Institution, restore_operator: User
) -> None:
    key = _archived_and_deleted(disposable)
    client = client_for(None, restore_operator)
    page = client.get("/institutions/restore/").content.decode()
    assert key in page and "请输入学校代码以确认恢复" in page

    # The typed code must be the archive's own: checked before anything is restored.
    refused = client.post("/institutions/restore/", {"archive": key, "confirmation": "gamma"})
    assert "确认内容与学校代码不一致，未恢复。" in refused.content.decode()
    assert not Institution.objects.filter(code=CODE).exists() and not schema_exists(f"inst_{CODE}")

    response = client.post("/institutions/restore/", {"archive": key, "confirmation": f" {CODE.upper()}"})
    assert response.status_code == 302 and response["Location"] == f"/institutions/{CODE}/"
    restored = Institution.objects.get(code=CODE)
    assert restored.status == Institution.Status.ACTIVE
    with in_schema(restored):
        assert OrgUnit.objects.filter(name="恢复测试党支部").exists()
    event = AuditEvent.objects.get(event=console_events.INSTITUTION_RESTORED, object_id=str(restored.pk))
    assert event.actor_username == "restore-op" and event.detail == {"archive": key}
    # Once restored, the same archive is refused: it would overwrite the institution.
    again = client.post("/institutions/restore/", {"archive": key, "confirmation": CODE})
    assert "学校当前为“正常”状态，不能从归档恢复。" in again.content.decode()
    client.logout()


def test_a_deleted_institution_is_restored_through_the_api(disposable: Institution, restore_operator: User) -> None:
    key = _archived_and_deleted(disposable)
    _, raw = api_token_create(user=restore_operator, name="restore")
    api = Client(HTTP_HOST=host_of(None), HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = api.post("/api/institutions/restore/", {"archive": key}, content_type="application/json")
    assert refused.status_code == 400
    assert "确认内容与学校代码不一致，未恢复。" in refused.content.decode()
    assert not Institution.objects.filter(code=CODE).exists()

    response = api.post(
        "/api/institutions/restore/", {"archive": key, "confirmation": CODE}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["code"] == CODE and response.json()["status"] == "active"
    restored = Institution.objects.get(code=CODE)
    with in_schema(restored):
        assert User.objects.get(username="admin").check_password("Admin-pass-2026!")
    assert AuditEvent.objects.filter(
        event=console_events.INSTITUTION_RESTORED, object_id=str(restored.pk), detail__archive=key
    ).exists()


@pytest.mark.parametrize("status", ["active", "suspended", "archiving", "archived"])
def test_restoring_over_an_institution_on_the_platform_is_refused_in_every_status(
    inst_a: Institution, status: str
) -> None:
    assert services.LIFECYCLE["restore"].get(status) is None
    Institution.objects.filter(pk=inst_a.pk).update(status=status)
    label = Institution.Status(status).label
    with pytest.raises(ValidationError, match=f"学校当前为“{label}”状态，不能从归档恢复"):
        services.institution_restore_archive(
            archive_key="_archives/alpha/alpha-20260101000000.tar.gz", confirmation="alpha"
        )
    assert not AuditEvent.objects.filter(event=console_events.INSTITUTION_RESTORED, object_id=str(inst_a.pk)).exists()


def test_restoring_needs_the_code_typed_again_and_an_archive_that_exists(institutions: object, db: None) -> None:
    with pytest.raises(ValidationError, match="确认内容与学校代码不一致，未恢复"):
        services.institution_restore_archive(archive_key="_archives/gone/gone-20260101000000.tar.gz", confirmation=" ")
    for key in ("_archives/gone/gone-20260101000000.tar.gz", "inst_alpha/documents/x.pdf", "../../etc/passwd", ""):
        with pytest.raises(ValidationError, match="没有找到该归档文件"):
            services.institution_restore_archive(archive_key=key, confirmation="gone")
