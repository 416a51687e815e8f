"""Text extraction from stored versions: PDF (pypdf, page by page), DOCX (word/document.xml
streamed through expat), XLSX (openpyxl) and plain text (UTF-8 or GB18030). The worker runs
``version_extract``; a file that cannot be read is marked failed with a Chinese reason and
stays stored and downloadable.

Bounded: a DOCX / XLSX whose parts declare more than the unzip limits is refused before it is
read (services/storage/unzip.py), every reader stops at ``MAX_TEXT_CHARS``, and the task runs
under its time limit and memory cap (tenants/task_guard.py)."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from xml.parsers.expat import ExpatError

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils.translation import gettext as _

from services.search.outbox import index_later
from services.storage.backends import get_storage
from services.storage.unzip import ArchiveTooLarge, zip_inflation_check
from services.storage.uploads import DOCX, PDF, TEXT, XLSX, decode_text

from .docx_text import docx_text
from .models import DocumentVersion

logger = logging.getLogger(__name__)

# Enough for any party-work document; a longer text is cut (the file itself is kept whole).
MAX_TEXT_CHARS = 2_000_000
MAX_EXTRACT_BYTES = 100 * 1024 * 1024


class ExtractionError(Exception):
    """A file that cannot be read; the message is shown to users."""


def _pdf(data: bytes) -> str:
    """Page by page, stopping once the text cap is reached (pypdf bounds each stream it inflates)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise ExtractionError(_("PDF 已加密，无法读取文字。")) from exc
        pages: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append(text)
            size += len(text) + 1
            if size >= MAX_TEXT_CHARS:
                break
        return "\n".join(pages)
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError(_("PDF 文件已损坏或格式不正确，无法读取文字。")) from exc


def _checked_archive(data: bytes, damaged: str) -> zipfile.ZipFile:
    """The zip archive of a DOCX / XLSX, after its declared sizes passed the limits."""
    try:
        zip_inflation_check(data)
        return zipfile.ZipFile(io.BytesIO(data))
    except ArchiveTooLarge as exc:
        raise ExtractionError(_("%(reason)s，不提取文字；文件仍可下载。") % {"reason": exc.reason}) from exc
    except zipfile.BadZipFile as exc:
        raise ExtractionError(damaged) from exc


def _docx(data: bytes) -> str:
    damaged = _("Word 文档已损坏或格式不正确，无法读取文字。")
    with _checked_archive(data, damaged) as archive:
        try:
            with archive.open("word/document.xml") as part:
                return docx_text(part, limit=MAX_TEXT_CHARS)
        except KeyError as exc:  # no document part: not a Word document
            raise ExtractionError(damaged) from exc
        except (ExpatError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ExtractionError(damaged) from exc


def _xlsx(data: bytes) -> str:
    import openpyxl

    damaged = _("Excel 表格已损坏或格式不正确，无法读取文字。")
    _checked_archive(data, damaged).close()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise  # the task's memory cap: not a damaged file
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for a damaged file
        raise ExtractionError(damaged) from exc
    lines: list[str] = []
    size = 0
    try:
        for sheet in workbook.worksheets:
            lines.append(str(sheet.title))
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value is not None]
                if cells:
                    lines.append("\t".join(cells))
                    size += len(lines[-1]) + 1
                    if size >= MAX_TEXT_CHARS:
                        return "\n".join(lines)
    finally:
        workbook.close()
    return "\n".join(lines)


def _text(data: bytes) -> str:
    text = decode_text(data)
    if text is None:
        raise ExtractionError(_("文本文件的编码无法识别（支持 UTF-8 和 GB18030）。"))
    return text


EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    PDF.content_type: _pdf,
    DOCX.content_type: _docx,
    XLSX.content_type: _xlsx,
    TEXT.content_type: _text,
}


def extractable(content_type: str) -> bool:
    return content_type in EXTRACTORS


def extract_text(*, content_type: str, data: bytes) -> str:
    """The text of a file, or ExtractionError with a reason users can read."""
    extractor = EXTRACTORS.get(content_type)
    if extractor is None:
        raise ExtractionError(_("这种文件不提取文字。"))
    text = extractor(data)
    return text.replace("\x00", "")[:MAX_TEXT_CHARS]


def version_extract(*, version_id: int) -> DocumentVersion | None:
    """Read the version's object, store its text (or the failure) and reindex the document.
    A redelivered task finds the version already extracted and does nothing."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None or version.extraction_status != DocumentVersion.Extraction.PENDING:
        return version
    try:
        storage = get_storage()
        if storage.size(version.storage_key) > MAX_EXTRACT_BYTES:
            raise ExtractionError(_("文件太大，不提取文字。"))
        with storage.open(version.storage_key) as content:
            data = content.read()
        text = extract_text(content_type=version.content_type, data=data)
        status, error = DocumentVersion.Extraction.DONE, ""
    except ExtractionError as exc:
        text, status, error = "", DocumentVersion.Extraction.FAILED, str(exc)
    except FileNotFoundError:
        text, status, error = "", DocumentVersion.Extraction.FAILED, _("文件在存储中不存在。")
    except SoftTimeLimitExceeded:
        text, status, error = "", DocumentVersion.Extraction.FAILED, _("提取文字超时，已停止提取，文件仍可下载。")
    except MemoryError:
        data, text = b"", ""  # let go of what was read before writing the outcome
        status, error = DocumentVersion.Extraction.FAILED, _("提取文字所需内存超过上限，已停止提取，文件仍可下载。")
    except Exception:
        logger.exception("document version %s: extraction failed", version_id)
        text, status, error = "", DocumentVersion.Extraction.FAILED, _("读取文件时出错，文件已保存，可以下载。")
    with transaction.atomic():
        updated = DocumentVersion.objects.filter(
            pk=version_id, extraction_status=DocumentVersion.Extraction.PENDING
        ).update(text=text, extraction_status=status, extraction_error=error[:300])
        if updated:
            index_later(kind="document", object_id=version.document_id)
    version.refresh_from_db()
    return version


def version_extraction_revive(*, version_id: int) -> bool:
    """Put a failed version back in the queue's state (an operator retries its extraction)."""
    return bool(
        DocumentVersion.objects.filter(pk=version_id, extraction_status=DocumentVersion.Extraction.FAILED).update(
            extraction_status=DocumentVersion.Extraction.PENDING, extraction_error=""
        )
    )


def version_extraction_abandon(*, version_id: int, reason: str) -> bool:
    """Mark a version still pending as failed with ``reason`` (its task was given up after
    repeated interruptions); the file stays stored and downloadable. True if it was pending."""
    with transaction.atomic():
        version = DocumentVersion.objects.filter(pk=version_id).first()
        updated = DocumentVersion.objects.filter(
            pk=version_id, extraction_status=DocumentVersion.Extraction.PENDING
        ).update(extraction_status=DocumentVersion.Extraction.FAILED, extraction_error=reason[:300])
        if updated and version is not None:
            index_later(kind="document", object_id=version.document_id)
    return bool(updated)
