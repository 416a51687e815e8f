from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_exists

from services.accounts.models import User
from services.audit.models import AuditEvent, Event
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from services.storage.backends import get_storage
from tenants import services
from tenants.models import Institution
from tenants.provisioning import schema_drop
from tests.conftest import client_for, in_schema


def test_suspend_needs_a_reason_and_is_audited(inst_a: Institution, operator: User) -> None:
    with pytest.raises(ValidationError, match="暂停原因"):
        services.institution_suspend(institution=inst_a, reason="  ", acting_user=operator)
    suspended = services.institution_suspend(institution=inst_a, reason="学期结束", acting_user=operator)
    assert suspended.status == Institution.Status.SUSPENDED and suspended.status_reason == "学期结束"
    event = AuditEvent.objects.get(event=Event.INSTITUTION_SUSPENDED, object_id=str(inst_a.pk))
    assert event.actor_username == "op"
    assert event.before == {"status": "active", "status_reason": ""}
    assert event.after == {"status": "suspended", "status_reason": "学期结束"}


def test_resume_of_an_active_institution_is_refused(inst_a: Institution) -> None:
    with pytest.raises(ValidationError, match="正常状态"):
        services.institution_resume(institution=inst_a)


def test_delete_is_refused_without_an_export(inst_a: Institution) -> None:
    with pytest.raises(ValidationError, match="已归档"):
        services.institution_delete(institution=inst_a, confirmation=inst_a.code)
    assert schema_exists(inst_a.schema_name)


@pytest.fixture
def committed(django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """No test transaction: pg_dump and pg_restore run in other processes and must see the data."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield


@pytest.fixture
def disposable(committed: None, institutions: object) -> Iterator[Institution]:
    institution, _ = services.institution_create(
        code="archtest", name="归档测试学院", admin_password="Admin-pass-2026!"
    )
    yield institution
    leftover = Institution.objects.filter(code="archtest").first()
    if leftover is not None:
        leftover.delete()
    if schema_exists("inst_archtest"):
        schema_drop("inst_archtest")
    get_storage().delete_prefix("inst_archtest/")
    get_storage().delete_prefix("_archives/archtest/")


def test_archive_delete_restore_round_trip(disposable: Institution) -> None:
    storage = get_storage()
    with in_schema(disposable):
        org_unit_create(name="恢复测试党支部", kind=OrgUnit.Kind.BRANCH)
    storage.save("inst_archtest/documents/note.txt", io.BytesIO("会议纪要".encode()))

    archived = services.institution_archive(institution=disposable)
    assert archived.status == Institution.Status.ARCHIVED
    with storage.open(archived.last_export_key) as handle, tarfile.open(fileobj=handle, mode="r:gz") as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "schema.dump", "files/inst_archtest/documents/note.txt"} <= names

    with pytest.raises(ValidationError, match="不一致"):
        services.institution_delete(institution=archived, confirmation="wrong")
    services.institution_delete(institution=archived, confirmation="ARCHTEST ")
    assert not Institution.objects.filter(code="archtest").exists()
    assert not schema_exists("inst_archtest")
    assert not storage.exists("inst_archtest/documents/note.txt")
    assert AuditEvent.objects.filter(event=Event.INSTITUTION_DELETED, detail__archive=archived.last_export_key).exists()

    with storage.open(archived.last_export_key) as handle:
        restored = services.institution_restore(archive_file=handle)
    assert restored.status == Institution.Status.ACTIVE
    with in_schema(restored):
        assert OrgUnit.objects.filter(name="恢复测试党支部").exists()
        assert User.objects.get(username="admin").check_password("Admin-pass-2026!")
    with storage.open("inst_archtest/documents/note.txt") as handle:
        assert handle.read().decode() == "会议纪要"
    assert client_for(restored).get("/accounts/login/").status_code == 200


def test_restore_refuses_to_overwrite_an_existing_institution(disposable: Institution) -> None:
    key = services.institution_export(institution=disposable)
    with get_storage().open(key) as handle, pytest.raises(ValidationError, match="已存在"):
        services.institution_restore(archive_file=handle)
    assert Institution.objects.filter(code="archtest").count() == 1


def test_restore_rejects_a_file_that_is_not_an_archive(committed: None, institutions: object) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("hello.txt")
        tar.addfile(info, io.BytesIO(b""))
    buffer.seek(0)
    with pytest.raises(ValidationError, match=r"manifest\.json"):
        services.institution_restore(archive_file=buffer)
