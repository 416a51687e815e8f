"""Every write to documents: one audited transaction each, the search outbox row in the same
transaction, and the side effects (text extraction, removing stored objects) on commit.

Rules:
- who may publish or change a document: a manager of its scope unit (``Scope.covers_unit(unit,
  manage=True)``) or an institution administrator for the whole institution; in the public
  schema, console users with platform_role "committee" or "operator";
- versions are never changed or deleted while the document exists: a new upload adds one, a
  restore copies an old one into a new one;
- deleting a document deletes every stored object of it, once the deletion is committed;
- read receipts are in signoff.py.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.oversight.models import NoticeSignoffFigures
from services.search.outbox import index_later
from services.storage.backends import get_storage
from services.storage.uploads import CheckedUpload, check_upload, file_type_of
from tenants.db import connection
from tenants.queueing import publish_after_commit

from .audit_events import DocumentEvent
from .models import Document, DocumentVersion
from .selectors import (
    can_manage_document,
    can_publish_in,
    in_public_schema,
)

logger = logging.getLogger(__name__)

MAX_TAGS = 10
MAX_TAG_LENGTH = 30


def _audit(event: str, **kwargs: Any) -> None:
    audit_record(event=event, **kwargs)


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, without duplicates, in the given order; at most MAX_TAGS of MAX_TAG_LENGTH each."""
    seen: list[str] = []
    for raw in tags:
        for part in str(raw).replace("，", ",").split(","):
            tag = part.strip()
            if not tag:
                continue
            if len(tag) > MAX_TAG_LENGTH:
                raise ValidationError({"tags": [_("标签“%(tag)s”太长（最多 30 个字）。") % {"tag": tag[:40]}]})
            if tag not in seen:
                seen.append(tag)
    if len(seen) > MAX_TAGS:
        raise ValidationError({"tags": [_("标签最多 %(n)s 个。") % {"n": MAX_TAGS}]})
    return seen


def _require_publish(*, acting_user: Any, scope_unit: OrgUnit | None) -> None:
    if not can_publish_in(user=acting_user, unit=scope_unit):
        if in_public_schema():
            raise PermissionDenied(_("只有市教育工委或平台运维人员可以发布全市文件。"))
        if scope_unit is None:
            raise PermissionDenied(_("只有学校管理员可以发布全校可见的文件。"))
        raise PermissionDenied(_("您无权在“%(unit)s”发布文件。") % {"unit": scope_unit.name})


def _require_manage(*, acting_user: Any, document: Document) -> None:
    if not can_manage_document(user=acting_user, document=document):
        raise PermissionDenied(_("您无权修改这份文件。"))


def _key(document: Document, number: int, filename: str) -> str:
    """``<schema>/documents/<document id>/v<n>-<unix time>-<random><ext>``: the schema prefix
    keeps each institution's (and the committee's) objects under one prefix; the time lets the
    sweeper leave young objects alone (their upload may not have committed yet); the random part
    means a rolled-back upload never collides with the next one."""
    suffix = ""
    if "." in filename:
        suffix = "." + filename.rsplit(".", 1)[1].lower()[:10]
    stamp = int(time.time())
    return f"{connection.schema_name}/documents/{document.pk}/v{number}-{stamp}-{uuid.uuid4().hex[:12]}{suffix}"


def key_age(key: str) -> timedelta | None:
    """How old an object of ours is, from the time in its key (None if the key has none)."""
    name = key.rsplit("/", 1)[-1]
    parts = name.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return None
    return timedelta(seconds=max(0.0, time.time() - int(parts[1])))


def _queue_extraction(version: DocumentVersion) -> None:
    from . import tasks

    # Never waits on the broker; a dropped message leaves the version pending for the sweep.
    schema = connection.schema_name
    if schema == "public":
        publish_after_commit(tasks.extract_public_version, version.pk)
    else:
        publish_after_commit(tasks.extract_version, schema, version.pk)


def _store_version(*, document: Document, upload: CheckedUpload, acting_user: Any, note: str = "") -> DocumentVersion:
    """Store the object and add the version row (inside the caller's transaction)."""
    number = document.version_count + 1
    key = _key(document, number, upload.filename)
    get_storage().save(key, upload.file)
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        filename=upload.filename,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        storage_key=key,
        note=note[:200],
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        extraction_status=_initial_extraction(upload.content_type),
    )
    document.version_count = number
    document.current_version = version
    document.save(update_fields=["version_count", "current_version", "updated_at"])
    if version.extraction_status == DocumentVersion.Extraction.PENDING:
        _queue_extraction(version)
    return version


def _initial_extraction(content_type: str) -> str:
    from .extraction import extractable

    return DocumentVersion.Extraction.PENDING if extractable(content_type) else DocumentVersion.Extraction.SKIPPED


def document_create(
    *,
    acting_user: Any,
    kind: str,
    title: str,
    upload: IO[bytes],
    filename: str,
    description: str = "",
    tags: Iterable[str] = (),
    scope_unit: OrgUnit | None = None,
    requires_signoff: bool = False,
) -> Document:
    """Publish a document with its first version. In the public schema the scope is always
    every institution (``scope_unit`` must be None)."""
    if in_public_schema() and scope_unit is not None:
        raise ValidationError({"scope_unit": [_("全市文件对所有学校可见，不能指定组织。")]})
    _require_publish(acting_user=acting_user, scope_unit=scope_unit)
    title = title.strip()
    if not title:
        raise ValidationError({"title": [_("请填写标题。")]})
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": [_("请选择文件类型。")]})
    cleaned_tags = clean_tags(tags)
    checked = check_upload(upload, filename=filename)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                kind=kind,
                title=title[:200],
                description=description.strip(),
                tags=cleaned_tags,
                scope_unit=scope_unit,
                requires_signoff=bool(requires_signoff) and kind == Document.Kind.NOTICE,
                created_by=acting_user if getattr(acting_user, "pk", None) else None,
            )
            version = _store_version(document=document, upload=checked, acting_user=acting_user)
            _audit(
                DocumentEvent.CREATED,
                actor=acting_user,
                target=document,
                after={
                    "title": document.title,
                    "kind": kind,
                    "scope": scope_unit.name if scope_unit else "",
                    "file": version.filename,
                    "sha256": version.sha256,
                },
            )
            index_later(kind="document", object_id=document.pk)
    finally:
        checked.close()
    return document


def document_version_add(
    *,
    document: Document,
    acting_user: Any,
    upload: IO[bytes],
    filename: str,
    note: str = "",
) -> DocumentVersion:
    """Add a new version; every older version stays."""
    _require_manage(acting_user=acting_user, document=document)
    checked = check_upload(upload, filename=filename)
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            version = _store_version(document=locked, upload=checked, acting_user=acting_user, note=note)
            _audit(
                DocumentEvent.VERSION_ADDED,
                actor=acting_user,
                target=locked,
                after={"version": version.number, "file": version.filename, "sha256": version.sha256},
            )
            index_later(kind="document", object_id=locked.pk)
    finally:
        checked.close()
    document.refresh_from_db()
    return version


def document_version_restore(*, document: Document, version: DocumentVersion, acting_user: Any) -> DocumentVersion:
    """Restore ``version``: a new version with a copy of its object, its checksum and its text."""
    _require_manage(acting_user=acting_user, document=document)
    if version.document_id != document.pk:
        raise ValidationError(_("该版本不属于这份文件。"))
    storage = get_storage()
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        number = locked.version_count + 1
        key = _key(locked, number, version.filename)
        with storage.open(version.storage_key) as source:
            storage.save(key, source)
        restored = DocumentVersion.objects.create(
            document=locked,
            number=number,
            filename=version.filename,
            content_type=version.content_type,
            size=version.size,
            sha256=version.sha256,
            storage_key=key,
            note=(_("由第 %(n)s 版恢复") % {"n": version.number})[:200],
            restored_from=version,
            text=version.text,
            extraction_status=version.extraction_status,
            extraction_error=version.extraction_error,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        locked.version_count = number
        locked.current_version = restored
        locked.save(update_fields=["version_count", "current_version", "updated_at"])
        if restored.extraction_status == DocumentVersion.Extraction.PENDING:
            _queue_extraction(restored)
        _audit(
            DocumentEvent.VERSION_RESTORED,
            actor=acting_user,
            target=locked,
            after={"version": number, "restored_from": version.number},
        )
        index_later(kind="document", object_id=locked.pk)
    document.refresh_from_db()
    return restored


_UNSET: Any = object()


def document_update(
    *,
    document: Document,
    acting_user: Any,
    title: str | None = None,
    description: str | None = None,
    tags: Iterable[str] | None = None,
    scope_unit: OrgUnit | None = _UNSET,
    requires_signoff: bool | None = None,
) -> Document:
    """Change the title, description, tags, visibility or sign-off of a document. A new scope
    must be one the user may publish in too."""
    _require_manage(acting_user=acting_user, document=document)
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": [_("请填写标题。")]})
        changes["title"] = title.strip()[:200]
    if description is not None:
        changes["description"] = description.strip()
    if tags is not None:
        changes["tags"] = clean_tags(tags)
    if scope_unit is not _UNSET:
        if in_public_schema() and scope_unit is not None:
            raise ValidationError({"scope_unit": [_("全市文件对所有学校可见，不能指定组织。")]})
        _require_publish(acting_user=acting_user, scope_unit=scope_unit)
        changes["scope_unit"] = scope_unit
    if requires_signoff is not None:
        changes["requires_signoff"] = bool(requires_signoff) and document.kind == Document.Kind.NOTICE
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for field, value in changes.items():
            old = getattr(locked, field)
            if old != value:
                before[field] = _display(old)
                after[field] = _display(value)
                setattr(locked, field, value)
        if after:
            locked.save(update_fields=[*after, "updated_at"])
            _audit(DocumentEvent.UPDATED, actor=acting_user, target=locked, before=before, after=after)
            index_later(kind="document", object_id=locked.pk)
    document.refresh_from_db()
    return document


def _display(value: Any) -> Any:
    if isinstance(value, OrgUnit):
        return value.name
    if isinstance(value, list):
        return list(value)
    return value


def document_delete(*, document: Document, acting_user: Any) -> int:
    """Delete the document, its versions and receipts; its stored objects are removed once the
    deletion commits (a rolled-back deletion keeps its files). Returns the number of objects."""
    _require_manage(acting_user=acting_user, document=document)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        keys = list(DocumentVersion.objects.filter(document=locked).values_list("storage_key", flat=True))
        _audit(
            DocumentEvent.DELETED,
            actor=acting_user,
            target=locked,
            before={"title": locked.title, "kind": locked.kind, "versions": len(keys)},
        )
        index_later(kind="document", object_id=locked.pk)
        if in_public_schema():
            # The institutions' sign-off figures of a committee notice (no foreign key can reach them).
            NoticeSignoffFigures.objects.filter(public_document_id=locked.pk).delete()
        Document.objects.filter(pk=locked.pk).update(current_version=None)
        locked.delete()

        def remove_objects() -> None:
            storage = get_storage()
            for key in keys:
                storage.delete(key)

        transaction.on_commit(remove_objects)
    return len(keys)


def version_content_type_label(version: DocumentVersion) -> str:
    kind = file_type_of(version.content_type)
    return str(kind.label) if kind is not None else version.content_type
