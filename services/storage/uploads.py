"""Checking an upload before it is stored: size, type sniffed from the content, executables refused.

The file's name never decides its type: the content does (``filetype`` for binary formats, the
zip's parts for DOCX/XLSX/PPTX, a decode for plain text). A name whose extension claims another
known type is refused too, so "报告.pdf" that is really a spreadsheet does not reach a reader
that trusts the name. Executables and scripts are refused whatever they are called.

``check_upload`` copies the stream once into a spooled temporary file while hashing it, so the
caller gets the SHA-256, the size and a rewound file to hand to the storage backend.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]
    label: Any  # a lazy translated name for messages


PDF = FileType("application/pdf", (".pdf",), gettext_lazy("PDF 文档"))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), gettext_lazy("Word 文档")
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), gettext_lazy("Excel 表格")
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
    gettext_lazy("PPT 演示文稿"),
)
DOC = FileType("application/msword", (".doc",), gettext_lazy("Word 97-2003 文档"))
XLS = FileType("application/vnd.ms-excel", (".xls",), gettext_lazy("Excel 97-2003 表格"))
PPT = FileType("application/vnd.ms-powerpoint", (".ppt",), gettext_lazy("PPT 97-2003 演示文稿"))
TEXT = FileType("text/plain", (".txt", ".md", ".csv", ".text"), gettext_lazy("纯文本"))
PNG = FileType("image/png", (".png",), gettext_lazy("PNG 图片"))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"), gettext_lazy("JPEG 图片"))
GIF = FileType("image/gif", (".gif",), gettext_lazy("GIF 图片"))
WEBP = FileType("image/webp", (".webp",), gettext_lazy("WebP 图片"))

ALLOWED: tuple[FileType, ...] = (PDF, DOCX, XLSX, PPTX, DOC, XLS, PPT, TEXT, PNG, JPEG, GIF, WEBP)
_BY_MIME = {t.content_type: t for t in ALLOWED}
_FILETYPE_MIME = {"application/pdf": PDF, "image/png": PNG, "image/jpeg": JPEG, "image/gif": GIF, "image/webp": WEBP}
_KNOWN_EXTENSIONS = {ext: t for t in ALLOWED for ext in t.extensions}

# Names that run when opened, whatever is inside them.
EXECUTABLE_EXTENSIONS = frozenset(
    ".exe .com .bat .cmd .msi .scr .pif .dll .sys .cpl .ps1 .psm1 .vbs .vbe .js .jse .wsf .wsh .hta .sh .bash .zsh "
    ".csh .ksh .command .app .dmg .pkg .deb .rpm .apk .jar .bin .run .elf .so .dylib .py .pl .rb .php .lnk .reg".split()
)
_EXECUTABLE_MAGIC = (
    b"MZ",  # PE (Windows .exe / .dll)
    b"\x7fELF",  # ELF (Linux)
    b"\xfe\xed\xfa\xce",  # Mach-O 32
    b"\xfe\xed\xfa\xcf",  # Mach-O 64
    b"\xce\xfa\xed\xfe",  # Mach-O 32, little-endian
    b"\xcf\xfa\xed\xfe",  # Mach-O 64, little-endian
    b"\xca\xfe\xba\xbe",  # Mach-O universal (also Java classes: refused alike)
    b"#!",  # a script with an interpreter line
)
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def max_upload_bytes() -> int:
    return int(settings.UPLOAD_MAX_BYTES)


@dataclass
class CheckedUpload:
    """A validated upload: a rewound temporary file plus what was learned about it."""

    file: IO[bytes]
    filename: str
    content_type: str
    size: int
    sha256: str

    def close(self) -> None:
        self.file.close()


def safe_filename(name: str) -> str:
    """The last path component, without control characters, at most 200 characters (keeping the extension)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip().strip(".")
    if not base:
        return "file"
    if len(base) > 200:
        suffix = PurePosixPath(base).suffix[:20]
        base = base[: 200 - len(suffix)] + suffix
    return base


def _is_executable(head: bytes) -> bool:
    return any(head.startswith(magic) for magic in _EXECUTABLE_MAGIC)


def _office_type(file: IO[bytes]) -> FileType | None:
    """DOCX / XLSX / PPTX are zips with a content-types part and their main part."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "ppt/presentation.xml" in names:
        return PPTX
    return None


def decode_text(data: bytes) -> str | None:
    """The text of ``data`` if it is UTF-8 (with or without BOM) or GB18030 text; else None."""
    if b"\x00" in data:
        return None
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Control characters other than whitespace mean a binary format that happens to decode.
        if any(ord(ch) < 32 and ch not in "\t\n\r\f\v\x1a" for ch in text[:SNIFF_BYTES]):
            return None
        return text
    return None


def _looks_like_text(head: bytes, *, complete: bool) -> bool:
    sample = head
    if not complete:
        # The sample may end inside a multibyte character: drop up to 3 trailing bytes.
        for cut in range(4):
            if decode_text(sample[: len(sample) - cut] if cut else sample) is not None:
                return True
        return False
    return decode_text(sample) is not None


def sniff(file: IO[bytes], *, size: int) -> FileType | None:
    """The allowed type the content is, or None. ``file`` is rewound afterwards."""
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _office_type(file)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in _FILETYPE_MIME:
            return _FILETYPE_MIME[kind.mime]
        if kind.extension in ("doc", "xls", "ppt"):
            return {"doc": DOC, "xls": XLS, "ppt": PPT}[kind.extension]
        return None
    if _looks_like_text(head, complete=size <= SNIFF_BYTES):
        return TEXT
    return None


def _describe(file: IO[bytes]) -> str:
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    kind = filetype.guess(head)
    return kind.extension.upper() if kind is not None else _("未知格式")


def check_upload(stream: IO[bytes], *, filename: str) -> CheckedUpload:
    """Copy ``stream`` into a temporary file, hashing it; refuse it (ValidationError with a
    Chinese message) when it is empty, over UPLOAD_MAX_BYTES, an executable or script, of a
    type not allowed, or named as another type than it is."""
    name = safe_filename(filename)
    extension = PurePosixPath(name).suffix.lower()
    limit = max_upload_bytes()
    if extension in EXECUTABLE_EXTENSIONS:
        raise ValidationError(_("不能上传可执行文件或脚本（%(ext)s）。") % {"ext": extension})
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise ValidationError(
                    _("文件超过大小上限 %(limit)s（上限可由管理员调整）。") % {"limit": human_size(limit)}
                )
            digest.update(chunk)
            out.write(chunk)
        if size == 0:
            raise ValidationError(_("文件是空的，请重新选择文件。"))
        out.seek(0)
        head = out.read(SNIFF_BYTES)
        out.seek(0)
        if _is_executable(head):
            raise ValidationError(_("不能上传可执行文件或脚本：文件内容是程序，不是文档。"))
        kind = sniff(out, size=size)
        if kind is None:
            raise ValidationError(
                _("不支持这种文件（%(what)s）。可以上传：%(allowed)s。")
                % {"what": _describe(out), "allowed": allowed_description()}
            )
        claimed = _KNOWN_EXTENSIONS.get(extension)
        if claimed is not None and claimed is not kind:
            raise ValidationError(
                _("文件内容是%(actual)s，与扩展名 %(ext)s 不符，请检查文件。")
                % {"actual": kind.label, "ext": extension}
            )
        if not extension or claimed is None:
            name = (name if extension else name + kind.extensions[0])[:200]
            if PurePosixPath(name).suffix.lower() not in kind.extensions:
                name = f"{name[: 200 - len(kind.extensions[0])]}{kind.extensions[0]}"
    except BaseException:
        out.close()
        raise
    return CheckedUpload(file=out, filename=name, content_type=kind.content_type, size=size, sha256=digest.hexdigest())


def allowed_description() -> str:
    return "、".join(str(t.label) for t in ALLOWED)


def file_type_of(content_type: str) -> FileType | None:
    return _BY_MIME.get(content_type)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
