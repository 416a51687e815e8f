"""Text extraction: PDF, DOCX, XLSX and plain text (UTF-8, GB18030) are read; a file that cannot
be read is marked failed with a Chinese reason and stays downloadable. Once through a real worker."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from services.accounts.models import User
from services.documents import services
from services.documents.extraction import version_extract
from services.documents.models import Document, DocumentVersion
from services.documents.tasks import extract_public_version
from services.organization.models import OrgUnit
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import Institutions, client_for, in_schema
from tests.documents.conftest import World
from tests.documents.files import docx_bytes, pdf_bytes, png_bytes, xlsx_bytes
from tests.factories import UserFactory

E = DocumentVersion.Extraction


def _publish(world: World, data: bytes, filename: str) -> DocumentVersion:
    document = services.document_create(
        acting_user=world.admin,
        kind=Document.Kind.STUDY,
        title=filename,
        upload=io.BytesIO(data),
        filename=filename,
    )
    assert document.current_version is not None
    return document.current_version


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (docx_bytes("学习贯彻党的二十大精神", "第二段：党支部标准化"), "学习.docx", "党支部标准化"),
        (xlsx_bytes([["姓名", "支部"], ["张三", "教工第一党支部"]]), "名单.xlsx", "教工第一党支部"),
        (pdf_bytes("Party branch standardization 2026"), "report.pdf", "standardization"),
        ("主题党日活动安排".encode(), "安排.txt", "主题党日"),
        ("国标编码：组织关系转接".encode("gb18030"), "转接.txt", "组织关系转接"),
    ],
)
def test_text_is_extracted_and_stored_on_the_version(
    inst_a: Institution, world: World, data: bytes, filename: str, expected: str
) -> None:
    with in_schema(inst_a):
        version = _publish(world, data, filename)
        assert version.extraction_status == E.PENDING
        version = version_extract(version_id=version.pk)
        assert version is not None and version.extraction_status == E.DONE
        assert expected in version.text


def test_an_unreadable_file_is_marked_failed_and_still_downloadable(inst_a: Institution, world: World) -> None:
    broken = b"%PDF-1.7\n1 0 obj <<>> garbage without any xref\n%%EOF"
    with in_schema(inst_a):
        version = _publish(world, broken, "损坏.pdf")
        version = version_extract(version_id=version.pk)
        assert version is not None and version.extraction_status == E.FAILED
        assert "PDF" in version.extraction_error and "无法读取" in version.extraction_error
        response = client_for(inst_a, world.admin).get(
            reverse("documents:file", kwargs={"pk": version.document_id, "number": 1})
        )
        assert response.status_code == 200 and b"".join(response.streaming_content) == broken  # type: ignore[attr-defined]
        page = client_for(inst_a, world.admin).get(reverse("documents:detail", kwargs={"pk": version.document_id}))
        assert "无法读取" in page.content.decode()


def test_images_are_stored_without_extraction(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        version = _publish(world, png_bytes(), "合影.png")
        assert version.extraction_status == E.SKIPPED


def test_a_redelivered_task_does_not_extract_twice(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        version = _publish(world, "一次".encode(), "a.txt")
        version_extract(version_id=version.pk)
        DocumentVersion.objects.filter(pk=version.pk).update(text="kept")
        assert version_extract(version_id=version.pk).text == "kept"  # type: ignore[union-attr]


def test_committee_documents_are_extracted_in_the_public_schema(committee_user: User) -> None:
    with in_schema("public"):
        document = services.document_create(
            acting_user=committee_user,
            kind=Document.Kind.NOTICE,
            title="全市通知",
            upload=io.BytesIO("全市各高校党委：请开展自查。".encode()),
            filename="通知.txt",
        )
        version_id = document.current_version_id
    assert extract_public_version.run(version_id) == "done"
    with in_schema("public"):
        assert "自查" in DocumentVersion.objects.get(pk=version_id).text


# --- a real worker ------------------------------------------------------------------------------


@pytest.fixture
def committed(django_db_blocker: Any, institutions: Institutions, real_media: None) -> Iterator[Institutions]:
    with django_db_blocker.unblock():
        yield institutions


def test_a_real_worker_extracts_an_uploaded_docx(committed: Institutions) -> None:
    from tests.platform.celery_worker import celery_worker, wait_until

    inst = committed.a
    with in_schema(inst):
        admin = UserFactory(username="doc_worker_admin", is_superuser=True)
    client = client_for(inst, admin)
    document_id = None
    try:
        with celery_worker():  # the view's on_commit .delay() reaches this worker's queue
            response = client.post(
                reverse("documents:upload"),
                {
                    "kind": "study",
                    "title": "工作进程提取测试",
                    "file": _named(docx_bytes("工作进程读到的段落：谈心谈话"), "提取.docx"),
                },
            )
            assert response.status_code == 302, response.content.decode()[:500]
            document_id = int(response.url.rstrip("/").rsplit("/", 1)[-1])

            def extracted() -> bool:
                with in_schema(inst):
                    return DocumentVersion.objects.get(document_id=document_id).extraction_status != E.PENDING

            wait_until(extracted, timeout=120, what="the worker to extract the text")
        with in_schema(inst):
            version = DocumentVersion.objects.get(document_id=document_id)
            assert version.extraction_status == E.DONE and "谈心谈话" in version.text
        with in_schema(committed.b):
            assert not Document.objects.filter(title="工作进程提取测试").exists()
    finally:
        with in_schema(inst):
            for document in Document.objects.filter(title="工作进程提取测试"):
                for key in document.versions.values_list("storage_key", flat=True):
                    get_storage().delete(key)
                document.delete()
            client.logout()
            OrgUnit.objects.none()
            User.objects.filter(username="doc_worker_admin").delete()


def _named(data: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_versions_whose_task_was_lost_are_extracted_by_the_command(inst_a: Institution, world: World) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    with in_schema(inst_a):
        lost = _publish(world, "丢失的任务".encode(), "lost.txt")
        fresh = _publish(world, "刚上传".encode(), "fresh.txt")
        DocumentVersion.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    out = io.StringIO()
    call_command("documents_extract_pending", stdout=out)
    assert f"version {lost.pk}\tdone" in out.getvalue()
    with in_schema(inst_a):
        assert DocumentVersion.objects.get(pk=lost.pk).text == "丢失的任务"
        assert DocumentVersion.objects.get(pk=fresh.pk).extraction_status == E.PENDING


def test_the_sweep_queues_again_only_versions_whose_task_was_lost(inst_a: Institution, world: World) -> None:
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    from services.documents.tasks import STALE_EXTRACTION, extract_stale_versions, extract_version
    from tenants.deliveries import delivery_begin

    with in_schema(inst_a):
        lost = _publish(world, "失联的抽取任务".encode(), "lost.txt")
        running = _publish(world, "正在提取的文件".encode(), "running.txt")
        recent = _publish(world, "刚上传的文件".encode(), "recent.txt")
        long_ago = timezone.now() - STALE_EXTRACTION - timedelta(minutes=1)
        DocumentVersion.objects.filter(pk__in=[lost.pk, running.pk]).update(created_at=long_ago)
        # A worker is on this one right now (its delivery is counted and not finished).
        delivery_begin(
            task_name=extract_version.name,
            args=(inst_a.schema_name, running.pk),
            kwargs={},
            schema_name=inst_a.schema_name,
            max_deliveries=3,
            redelivered=False,
        )
        with mock.patch("tenants.queueing.publish") as publish:
            assert extract_stale_versions() == 1
    # Queued again as the same task, so its deliveries are counted with the first one's.
    publish.assert_called_once_with(extract_version, (inst_a.schema_name, lost.pk))
    with in_schema(inst_a):
        assert DocumentVersion.objects.get(pk=recent.pk).extraction_status == E.PENDING


# --- decompression bombs and bounded reading ----------------------------------------------------


def test_a_docx_whose_body_inflates_past_the_limit_is_refused_and_stays_downloadable(
    inst_a: Institution, world: World, settings: Any
) -> None:
    from tests.documents.files import docx_bomb

    settings.UNZIP_MAX_ENTRY_BYTES = 1024 * 1024
    bomb = docx_bomb(3 * 1024 * 1024)
    with in_schema(inst_a):
        version = _publish(world, bomb, "炸弹.docx")
        version = version_extract(version_id=version.pk)
        assert version is not None and version.extraction_status == E.FAILED
        assert "文件解压后过大" in version.extraction_error and "文件仍可下载" in version.extraction_error
        assert version.text == ""
        response = client_for(inst_a, world.admin).get(
            reverse("documents:file", kwargs={"pk": version.document_id, "number": 1})
        )
        assert response.status_code == 200 and b"".join(response.streaming_content) == bomb  # type: ignore[attr-defined]


def test_an_xlsx_whose_shared_strings_inflate_past_the_limit_is_refused(
    inst_a: Institution, world: World, settings: Any
) -> None:
    from tests.documents.files import xlsx_with_shared_strings

    settings.UNZIP_MAX_ENTRY_BYTES = 1024 * 1024
    with in_schema(inst_a):
        version = _publish(world, xlsx_with_shared_strings(2 * 1024 * 1024), "名单.xlsx")
        version = version_extract(version_id=version.pk)
        assert version is not None and version.extraction_status == E.FAILED
        assert "文件解压后过大" in version.extraction_error


def test_docx_text_is_streamed_and_stops_at_the_text_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.documents import extraction
    from tests.documents.files import docx_bomb

    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 1000)
    text = extraction.extract_text(content_type=extraction.DOCX.content_type, data=docx_bomb(5 * 1024 * 1024))
    assert text.startswith("炸弹\n") and len(text) == 1000


def test_docx_paragraphs_and_table_cells_are_read_in_body_order() -> None:
    import docx

    from services.documents.extraction import DOCX, extract_text

    document = docx.Document()
    document.add_paragraph("会议纪要")
    table = document.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "姓名", (0, 1): "支部", (1, 0): "张三", (1, 1): "第一党支部"}.items():
        table.cell(r, c).text = value
    document.add_paragraph("散会")
    out = io.BytesIO()
    document.save(out)
    text = extract_text(content_type=DOCX.content_type, data=out.getvalue())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines == ["会议纪要", "姓名 \t支部", "张三 \t第一党支部", "散会"]


def test_a_docx_with_a_document_type_declaration_is_refused_as_damaged() -> None:
    from services.documents.extraction import DOCX, ExtractionError, extract_text
    from tests.documents.files import zip_with

    entities = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(ExtractionError, match="Word 文档已损坏"):
        extract_text(content_type=DOCX.content_type, data=zip_with({"word/document.xml": entities}))


def test_pdf_text_is_read_page_by_page_and_stops_at_the_text_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.pdfgen import canvas

    from services.documents import extraction

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for page in ("first page words", "second page words", "third page words"):
        pdf.drawString(72, 720, page)
        pdf.showPage()
    pdf.save()
    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 10)
    text = extraction.extract_text(content_type=extraction.PDF.content_type, data=out.getvalue())
    assert text == "first page"
    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 2_000_000)
    text = extraction.extract_text(content_type=extraction.PDF.content_type, data=out.getvalue())
    assert "third page" in text
