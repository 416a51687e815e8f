"""Reading an uploaded .xlsx or .csv into text rows (``Sheet``): encodings, header detection,
cells as typed in Chinese spreadsheets."""

from __future__ import annotations

import csv
import io
import itertools
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from services.storage.unzip import ArchiveTooLarge, zip_inflation_check

from .aliases import FIELD_OF_HEADER, header_key, header_score
from .columns import HEADER_SEARCH_ROWS, MAX_ROWS, MAX_UPLOAD_BYTES, PROGRESS_EVERY


class ImportFileError(Exception):
    """The whole file cannot be used (format, encoding, size); the message is for the user."""


@dataclass
class Sheet:
    """The rows of an uploaded file as text, with their row numbers in the spreadsheet."""

    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def dumps(self) -> bytes:
        return json.dumps({"headers": self.headers, "rows": self.rows}, ensure_ascii=False).encode()

    @classmethod
    def loads(cls, data: bytes) -> Sheet:
        payload = json.loads(data)
        return cls(headers=payload["headers"], rows=[(number, cells) for number, cells in payload["rows"]])


Progress = Callable[[int, int], None]


def _header(value: Any) -> str:
    return header_key(_cell_text(value))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):  # before date: a datetime is a date
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # An 18-digit ID number typed into a number cell has already lost its last digits
        # (doubles hold 15); keep Excel's notation so the row fails with a message that says so.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15G}"
    return str(value).strip()


def _find_header(rows: Sequence[Sequence[Any]], known: Mapping[str, str] = FIELD_OF_HEADER) -> int | None:
    """Index of the row that names the most known columns, counting the names ``_headers`` takes
    from the row above (the first of equals): title rows, merged or not, and the group row of a
    two-level header lose to the header row. The row itself must name at least two (a line of the
    template's 说明 sheet names one column, and one of its other names is the row above's)."""
    best, best_score = None, 1
    for index, row in enumerate(rows):
        if header_score((_header(cell) for cell in row), known) < 2:
            continue
        score = header_score(_headers(rows, index, known), known)
        if score > best_score:
            best, best_score = index, score
    return best


def _headers(rows: Sequence[Sequence[Any]], found: int, known: Mapping[str, str] = FIELD_OF_HEADER) -> list[str]:
    """The header row's names; in a two-level header a column merged down over both rows has its
    name in the row above (a merged cell keeps its value in its first cell only)."""
    headers = [_header(cell) for cell in rows[found]]
    above = [_header(cell) for cell in rows[found - 1]] if found else []
    headers.extend([""] * (len(above) - len(headers)))
    for index, name in enumerate(above):
        if not headers[index] and name in known:
            headers[index] = name
    return headers


def _collect(
    rows: Iterable[tuple[int, Sequence[Any]]], headers: list[str], progress: Progress | None, estimate: int
) -> Sheet:
    sheet = Sheet(headers=headers)
    width = len(headers)
    for number, raw in rows:
        cells = [_cell_text(value) for value in raw[:width]]
        if not any(cells):
            continue  # spreadsheets keep formatted but empty rows at the end
        cells.extend([""] * (width - len(cells)))
        sheet.rows.append((number, cells))
        if len(sheet.rows) > MAX_ROWS:
            raise ImportFileError(_("文件超过 %(limit)s 行，请拆分后分批导入。") % {"limit": MAX_ROWS})
        if progress is not None and len(sheet.rows) % PROGRESS_EVERY == 0:
            progress(len(sheet.rows), max(estimate, len(sheet.rows)))
    return sheet


def _unreadable_xlsx() -> str:
    return _("无法读取该 Excel 文件，请确认它是 .xlsx 格式（旧版 .xls 请先另存为 .xlsx）。")


def _read_xlsx(data: bytes, progress: Progress | None, known: Mapping[str, str]) -> Sheet:
    try:
        zip_inflation_check(data)
    except ArchiveTooLarge as exc:
        raise ImportFileError(
            _("%(reason)s，无法导入。请确认文件内容，或拆分后分批导入。") % {"reason": exc.reason}
        ) from exc
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_unreadable_xlsx()) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise  # the task's memory cap: not a damaged file
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for a damaged file
        raise ImportFileError(_unreadable_xlsx()) from exc
    try:
        # The first sheet that has a header row: a template whose "说明" sheet was moved
        # first still imports.
        for worksheet in workbook.worksheets:
            estimate = worksheet.max_row or 0
            # Dimensions written by some tools are wrong; without them openpyxl reads to the end.
            worksheet.reset_dimensions()  # type: ignore[union-attr]
            rows = enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1)
            head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
            found = _find_header([cells for _, cells in head], known)
            if found is None:
                continue
            headers = _headers([cells for _, cells in head], found, known)
            return _collect(itertools.chain(head[found + 1 :], rows), headers, progress, estimate - found - 1)
        first = next(workbook.worksheets[0].iter_rows(min_row=1, max_row=1, values_only=True), ())
        return Sheet(headers=[_header(cell) for cell in first])
    except (ImportFileError, MemoryError):
        raise
    except Exception as exc:
        raise ImportFileError(_unreadable_xlsx()) from exc
    finally:
        workbook.close()


def _decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Chinese Excel saves "CSV" in the ANSI code page, GBK; GB18030 is its superset.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("无法识别该 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码。")) from exc


def _read_csv(data: bytes, progress: Progress | None, known: Mapping[str, str]) -> Sheet:
    reader = csv.reader(io.StringIO(_decode_csv(data), newline=""))
    try:
        numbered = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ImportFileError(_("无法读取该 CSV 文件：%(reason)s") % {"reason": exc}) from exc
    head = [row for _, row in numbered[:HEADER_SEARCH_ROWS]]
    found = _find_header(head, known)
    if found is None:
        return Sheet(headers=[_header(cell) for cell in numbered[0][1]] if numbered else [])
    headers = _headers(head, found, known)
    return _collect(numbered[found + 1 :], headers, progress, len(numbered) - found - 1)


def sheet_read(
    *, content: IO[bytes], filename: str, progress: Progress | None = None, known: Mapping[str, str] = FIELD_OF_HEADER
) -> Sheet:
    """Read an uploaded .xlsx or .csv (UTF-8 with or without BOM, else GB18030) into text rows;
    ``known``: the headers of the import's kind (kinds.py), the roster's by default."""
    data = content.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("文件超过 %(size)s MB。") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".xlsx":
        return _read_xlsx(data, progress, known)
    if suffix == ".csv":
        return _read_csv(data, progress, known)
    raise ImportFileError(_("只能导入 .xlsx 或 .csv 文件。"))
