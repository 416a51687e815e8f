"""How far a zip-based file (DOCX, XLSX, PPTX) may inflate before anything reads it.

Office files are zip archives; a 1.6 MB .docx can hold an XML part that inflates to half a
gigabyte (a decompression bomb). ``zip_inflation_check`` reads only the archive's central
directory and refuses it when one part, or all parts together, declare more than the limits
(``UNZIP_MAX_ENTRY_BYTES``, ``UNZIP_MAX_TOTAL_BYTES``, ``UNZIP_MAX_ENTRIES``). The declared
sizes are a trustworthy bound: Python's zipfile, which python-docx, openpyxl and our own
readers use, never yields more bytes than an entry declares (it stops there, and a CRC check
fails if the data was longer). Both readers of uploaded archives call this first: text
extraction (services/documents/extraction.py) and the roster import (services/members/imports).
"""

from __future__ import annotations

import io
import zipfile
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024


class ArchiveTooLarge(Exception):
    """The archive declares more than the limits. ``reason`` says so in the user's language;
    callers add what follows from it (no text extracted, nothing imported)."""

    def __init__(self, *, declared: int, limit: int, part: str = "", entries: bool = False) -> None:
        super().__init__(f"{part or 'archive'}: declares {declared}, limit {limit}")
        self.declared = declared
        self.limit = limit
        self.part = part
        self.entries = entries

    @property
    def reason(self) -> str:
        if self.entries:
            return _("文件包含的部件过多（%(count)s 个，上限 %(limit)s 个）") % {
                "count": self.declared,
                "limit": self.limit,
            }
        return _("文件解压后过大（约 %(size)s MB，上限 %(limit)s MB）") % {
            "size": max(1, round(self.declared / MB)),
            "limit": max(1, round(self.limit / MB)),
        }


def zip_inflation_check(
    source: bytes | IO[bytes],
    *,
    max_entry_bytes: int | None = None,
    max_total_bytes: int | None = None,
    max_entries: int | None = None,
) -> None:
    """Refuse (``ArchiveTooLarge``) an archive whose parts declare more than the limits; a file
    that is not a zip archive raises ``zipfile.BadZipFile`` (the caller says it is damaged).
    Reads the central directory only: nothing is inflated."""
    entry_limit = max_entry_bytes if max_entry_bytes is not None else settings.UNZIP_MAX_ENTRY_BYTES
    total_limit = max_total_bytes if max_total_bytes is not None else settings.UNZIP_MAX_TOTAL_BYTES
    count_limit = max_entries if max_entries is not None else settings.UNZIP_MAX_ENTRIES
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    with zipfile.ZipFile(stream) as archive:
        entries = archive.infolist()
        if len(entries) > count_limit:
            # Each entry costs memory before any is read; so many parts is no office document.
            raise ArchiveTooLarge(declared=len(entries), limit=count_limit, entries=True)
        total = 0
        for entry in entries:
            if entry.file_size > entry_limit:
                raise ArchiveTooLarge(declared=entry.file_size, limit=entry_limit, part=entry.filename)
            total += entry.file_size
            if total > total_limit:
                raise ArchiveTooLarge(declared=total, limit=total_limit)
    if not isinstance(source, bytes | bytearray):
        source.seek(0)
