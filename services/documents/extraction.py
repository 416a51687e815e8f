"""Text extraction from stored versions: PDF (pypdf), DOCX (python-docx), XLSX (openpyxl) and
plain text (UTF-8 or GB18030). The worker runs ``version_extract``; a file that cannot be read
is marked failed with a Chinese reason and stays stored and downloadable."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from services.search.outbox import index_later
from services.storage.backends import get_storage
from services.storage.uploads import DOCX, PDF, TEXT, XLSX, decode_text

from .models import DocumentVersion

logger = logging.getLogger(__name__)

# Enough for any party-work document; a longer text is cut (the file itself is kept whole).
MAX_TEXT_CHARS = 2_000_000
MAX_EXTRACT_BYTES = 100 * 1024 * 1024


class ExtractionError(Exception):
    """A file that cannot be read; the message is shown to users."""


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise ExtractionError(_("PDF 已加密，无法读取文字。")) from exc
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError(_("PDF 文件已损坏或格式不正确，无法读取文字。")) from exc


def _docx(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike for a damaged file
        raise ExtractionError(_("Word 文档已损坏或格式不正确，无法读取文字。")) from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _xlsx(data: bytes) -> str:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for a damaged file
        raise ExtractionError(_("Excel 表格已损坏或格式不正确，无法读取文字。")) from exc
    lines: list[str] = []
    try:
        for sheet in workbook.worksheets:
            lines.append(str(sheet.title))
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value is not None]
                if cells:
                    lines.append("\t".join(cells))
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
