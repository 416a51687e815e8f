"""The search hookup: every write queues the document in the outbox in its own transaction, and
the provider describes each existing document with the same visibility as the library."""

from __future__ import annotations

import io
from typing import Any

from services.documents import services
from services.documents.extraction import version_extract
from services.documents.models import Document
from services.documents.search_index import document_entries
from services.search.models import SearchOutbox
from tenants.models import Institution
from tests.conftest import in_schema
from tests.documents.conftest import World
from tests.documents.files import docx_bytes


def _queued(document_id: int) -> int:
    return SearchOutbox.objects.filter(kind="document", object_id=document_id).count()


def test_every_write_queues_the_document_for_indexing(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = services.document_create(
            acting_user=world.admin,
            kind=Document.Kind.STUDY,
            title="党员档案管理办法",
            upload=io.BytesIO(docx_bytes("档案管理")),
            filename="a.docx",
        )
        counts = [_queued(document.pk)]
        version_extract(version_id=document.current_version_id)  # type: ignore[arg-type]
        counts.append(_queued(document.pk))
        services.document_version_add(
            document=document, acting_user=world.admin, upload=io.BytesIO(b"v2"), filename="a.txt"
        )
        counts.append(_queued(document.pk))
        services.document_update(document=document, acting_user=world.admin, tags=["档案"])
        counts.append(_queued(document.pk))
        services.document_update(document=document, acting_user=world.admin, scope_unit=world.tree.branch_x)
        counts.append(_queued(document.pk))
        first = document.versions.get(number=1)
        services.document_version_restore(document=document, version=first, acting_user=world.admin)
        counts.append(_queued(document.pk))
        pk = document.pk
        services.document_delete(document=document, acting_user=world.admin)
        counts.append(_queued(pk))
        assert counts == sorted(counts) and len(set(counts)) == len(counts), counts


def test_the_provider_describes_existing_documents_only(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = services.document_create(
            acting_user=world.secretary_x,
            kind=Document.Kind.MINUTES,
            title="支委会纪要",
            description="十一月支委会",
            tags=["支委会"],
            upload=io.BytesIO("讨论发展对象人选".encode()),
            filename="m.txt",
            scope_unit=world.tree.branch_x,
        )
        version_extract(version_id=document.current_version_id)  # type: ignore[arg-type]
        entries: list[Any] = list(document_entries([document.pk, 987654]))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.title == "支委会纪要" and entry.doc_type == "minutes" and entry.tags == ("支委会",)
    assert "十一月支委会" in entry.body and "发展对象" in entry.body
    assert entry.org_path == world.tree.branch_x.path
    assert entry.url == f"/documents/{document.pk}/"


def test_committee_documents_are_indexed_for_every_institution(committee_user: Any) -> None:
    with in_schema("public"):
        document = services.document_create(
            acting_user=committee_user, kind="notice", title="全市通知", upload=io.BytesIO(b"x"), filename="n.txt"
        )
        (entry,) = list(document_entries([document.pk]))
    assert entry.org_path == "" and entry.url == f"/documents/committee/{document.pk}/"
