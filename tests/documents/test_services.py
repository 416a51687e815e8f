"""Publishing, versions, restore, edits and deletion: who may, what is kept, what is removed."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.audit.models import AuditEvent
from services.documents import services
from services.documents.models import Document, DocumentVersion
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import in_schema
from tests.documents.conftest import World
from tests.documents.files import PE_EXECUTABLE, docx_bytes


def publish(world: World, *, user: Any = None, unit: Any = "x", title: str = "支部学习资料", **extra: Any) -> Document:
    scope_unit = world.tree.branch_x if unit == "x" else unit
    return services.document_create(
        acting_user=user or world.secretary_x,
        kind=extra.pop("kind", Document.Kind.STUDY),
        title=title,
        upload=io.BytesIO(extra.pop("data", "第一版内容".encode())),
        filename=extra.pop("filename", "资料.txt"),
        scope_unit=scope_unit,
        **extra,
    )


def add_version(document: Document, user: Any, text: str) -> DocumentVersion:
    return services.document_version_add(
        document=document, acting_user=user, upload=io.BytesIO(text.encode()), filename="资料.txt"
    )


def test_publishing_stores_the_file_with_its_checksum_and_an_audit_row(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = publish(world, tags=["学习", "学习", " 主题教育 "])
        version = document.current_version
        assert version is not None and version.number == 1 and document.version_count == 1
        assert version.sha256 == hashlib.sha256("第一版内容".encode()).hexdigest()
        assert version.storage_key.startswith(f"{inst_a.schema_name}/documents/{document.pk}/")
        with get_storage().open(version.storage_key) as stored:
            assert stored.read() == "第一版内容".encode()
        assert document.tags == ["学习", "主题教育"]
        assert AuditEvent.objects.filter(event="document.created", object_id=str(document.pk)).exists()


def test_a_new_version_keeps_every_older_one_and_becomes_the_latest(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = publish(world)
        first_key = document.current_version.storage_key  # type: ignore[union-attr]
        add_version(document, world.secretary_x, "第二版")
        third = add_version(document, world.secretary_x, "第三版")
        document.refresh_from_db()
        assert document.current_version_id == third.pk and document.version_count == 3
        assert list(document.versions.values_list("number", flat=True)) == [3, 2, 1]
        assert get_storage().exists(first_key)


def test_restoring_an_old_version_adds_a_copy_and_keeps_the_rest(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = publish(world)
        first = document.current_version
        assert first is not None
        add_version(document, world.secretary_x, "第二版")
        restored = services.document_version_restore(document=document, version=first, acting_user=world.secretary_x)
        document.refresh_from_db()
        assert restored.number == 3 and restored.restored_from_id == first.pk
        assert restored.sha256 == first.sha256 and restored.storage_key != first.storage_key
        assert document.current_version_id == restored.pk and document.versions.count() == 3
        with get_storage().open(restored.storage_key) as stored:
            assert stored.read() == "第一版内容".encode()


def test_a_secretary_cannot_publish_in_or_change_another_branch(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        with pytest.raises(PermissionDenied):
            publish(world, user=world.secretary_y)
        document = publish(world)
        with pytest.raises(PermissionDenied):
            add_version(document, world.secretary_y, "越权")
        with pytest.raises(PermissionDenied):
            services.document_delete(document=document, acting_user=world.member_x)


def test_only_institution_admins_publish_for_the_whole_institution(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        with pytest.raises(PermissionDenied):
            publish(world, user=world.college_admin, unit=None)
        assert publish(world, user=world.admin, unit=None).scope_unit is None


def test_a_manager_above_publishes_in_the_branches_below(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        assert publish(world, user=world.college_admin).scope_unit == world.tree.branch_x


def test_a_refused_upload_leaves_no_document(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        with pytest.raises(ValidationError):
            publish(world, data=PE_EXECUTABLE, filename="通知.pdf")
        assert not Document.objects.exists()


def test_retagging_and_changing_visibility_are_audited(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = publish(world, user=world.college_admin)
        services.document_update(
            document=document, acting_user=world.college_admin, tags=["换届"], scope_unit=world.tree.branch_y
        )
        document.refresh_from_db()
        assert document.tags == ["换届"] and document.scope_unit == world.tree.branch_y
        row = AuditEvent.objects.get(event="document.updated", object_id=str(document.pk))
        assert row.after == {"tags": ["换届"], "scope_unit": "Y支部"}
        with pytest.raises(PermissionDenied):  # X's secretary may not move it out of reach either
            services.document_update(document=document, acting_user=world.secretary_x, scope_unit=world.tree.branch_x)


def test_deleting_a_document_deletes_every_stored_object_once_committed(
    inst_a: Institution, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with in_schema(inst_a):
        document = publish(world, data=docx_bytes("一"), filename="a.docx")
        add_version(document, world.secretary_x, "二")
        keys = list(document.versions.values_list("storage_key", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.document_delete(document=document, acting_user=world.secretary_x) == 2
        assert not Document.objects.filter(pk=document.pk).exists()
        assert not DocumentVersion.objects.filter(storage_key__in=keys).exists()
        assert not any(get_storage().exists(key) for key in keys)
        assert AuditEvent.objects.filter(event="document.deleted", object_id=str(document.pk)).exists()


def test_a_rolled_back_deletion_keeps_the_files(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = publish(world)
        key = document.current_version.storage_key  # type: ignore[union-attr]
        services.document_delete(document=document, acting_user=world.secretary_x)  # never committed here
        assert get_storage().exists(key)


def test_uploads_queue_text_extraction_only_after_the_commit(
    inst_a: Institution, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with in_schema(inst_a):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            publish(world)
        assert len(callbacks) >= 1  # the extraction (and possibly the search outbox's own)
