"""Member roster import: upload -> validate (a preview with every error of every row) -> confirm -> commit.

The file format is the exporter's (exports.py): one header row of fixed Chinese column names
(``COLUMNS``), Chinese choice labels, dates as YYYY-MM-DD. People are matched by national ID
number through its blind index: a known number updates that record, an unknown one creates a
record, so importing the same file twice changes nothing the second time.

The file is parsed once, on the worker, when it is validated (openpyxl's read-only parser is
the slowest step of the whole import); the rows are kept next to the upload as text and the
commit checks them again against the database as it is then, under row locks, inside the one
transaction that writes them. Writes are set-based (COPY into a staging table, INSERT … SELECT,
UPDATE … FROM): row-by-row ORM saves manage about 1.4k rows/s, far from 20k rows in 10 s.

Field rules come from validation.py (national ID, phone, identity cross-check); this module only
adds what belongs to a file: columns, labels, dates as typed in spreadsheets, duplicates.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from services.audit.models import Event
from services.audit.services import audit_record
from services.crypto import blind_index, encrypt
from services.organization.models import OrgUnit
from services.organization.scope import Scope, scope_for
from services.search.outbox import index_later_many
from services.storage.backends import get_storage
from tenants.db import connection

from . import national_id
from .models import ImportJob, Member, MemberChange
from .services import EDITABLE, change_display
from .validation import check_identity, clean_national_id, clean_phone

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 10  # Chinese rosters often carry a title row or two above the header
PROGRESS_EVERY = 2000
ERROR_COLUMN = "错误"
TEMPLATE_SHEET = "党员名册"
HELP_SHEET = "说明"
EXTENSIONS = (".xlsx", ".csv")
_EXAMPLE_ID = "11010819900517003" + national_id.check_digit("11010819900517003")


@dataclass(frozen=True)
class Column:
    """One column of the roster file. The header, meaning, format and example describe a Chinese
    file format (like the national system's) and stay Chinese whatever the interface language."""

    header: str
    field: str
    required: bool  # the column must be in the file and every cell of it filled
    meaning: str
    format: str  # for a choice column: empty, the labels are listed (column_format)
    example: str
    choices: type[TextChoices] | None = None


def choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """value -> the Chinese label written in files (the labels are the msgids)."""
    with translation.override("zh-hans"):
        return {str(value): str(label) for value, label in choices.choices}


def column_format(column: Column) -> str:
    # Computed on use: labels are lazy translations, not available while modules load.
    return " / ".join(choice_labels(column.choices).values()) if column.choices else column.format


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", True, "党员姓名，与身份证一致", "文字，最多 50 字", "张三"),
    Column("性别", "gender", False, "留空则按身份证号判断；填写时须与身份证号一致", "", "男", Member.Gender),
    Column("民族", "ethnicity", False, "留空时：新建档案记为汉族，已有档案不变", "民族全称，最多 20 字", "汉族"),
    Column("出生日期", "birth_date", False, "留空则按身份证号填写；填写时须与身份证号一致", "YYYY-MM-DD", "1990-05-17"),
    Column(
        "身份证号",
        "national_id",
        True,
        "18 位公民身份号码，用它识别同一个人：已有档案则更新，没有则新建",
        "18 位，末位可为 X；请把该列设为“文本”格式，否则表格软件会把号码改成科学计数法",
        _EXAMPLE_ID,
    ),
    Column("手机号", "phone", False, "本人手机号码", "11 位数字，可留空", "13800138000"),
    Column("籍贯", "native_place", False, "籍贯", "文字，最多 50 字", "山东济南"),
    Column("学历", "education", False, "最高学历", "文字，最多 20 字", "大学本科"),
    Column("学位", "degree", False, "最高学位", "文字，最多 20 字", "学士"),
    Column("人员类别", "category", True, "人员类别", "", "教师", Member.Category),
    Column("学号/工号", "number", False, "学生填学号，教职工填工号", "文字，最多 30 字", "T2001001"),
    Column(
        "所在支部",
        "branch",
        True,
        "所在党支部的名称，须与系统组织架构中的名称完全一致，且在您的管理范围内",
        "党支部全称",
        "计算机学院教工第一党支部",
    ),
    Column(
        "党籍状态",
        "status",
        True,
        "新建档案按此登记；已有档案的状态变更须在档案中办理，导入时须与档案一致",
        "",
        "正式党员",
        Member.Status,
    ),
    Column("入党日期", "joined_on", False, "成为预备党员的日期", "YYYY-MM-DD", "2012-06-30"),
    Column("转正日期", "confirmed_on", False, "转为正式党员的日期；预备党员不填", "YYYY-MM-DD", "2013-06-30"),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
_BY_HEADER = {column.header: column for column in COLUMNS}
_TEXT_LIMITS: dict[str, int] = {
    name: int(Member._meta.get_field(name).max_length or 0)  # type: ignore[union-attr]
    for name in ("name", "ethnicity", "native_place", "education", "degree", "number")
}
_DATE_FIELDS = ("birth_date", "joined_on", "confirmed_on")


class ImportFileError(Exception):
    """The whole file cannot be used (format, encoding, size); the message is for the user."""


# --- reading ----------------------------------------------------------------------------------


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


def _nfkc(text: str) -> str:
    """Full-width digits, letters and slashes typed by Chinese input methods -> ASCII."""
    return unicodedata.normalize("NFKC", text)


def _header(value: Any) -> str:
    return re.sub(r"[\s*]", "", _nfkc(_cell_text(value)))


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


def _find_header(rows: Sequence[Sequence[Any]]) -> int | None:
    """Index of the first row that names at least two known columns."""
    for index, row in enumerate(rows):
        if len({_header(cell) for cell in row} & _BY_HEADER.keys()) >= 2:
            return index
    return None


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


def _read_xlsx(data: bytes, progress: Progress | None) -> Sheet:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
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
            found = _find_header([cells for _, cells in head])
            if found is None:
                continue
            headers = [_header(cell) for cell in head[found][1]]
            return _collect(itertools.chain(head[found + 1 :], rows), headers, progress, estimate - found - 1)
        first = next(workbook.worksheets[0].iter_rows(min_row=1, max_row=1, values_only=True), ())
        return Sheet(headers=[_header(cell) for cell in first])
    except ImportFileError:
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


def _read_csv(data: bytes, progress: Progress | None) -> Sheet:
    reader = csv.reader(io.StringIO(_decode_csv(data), newline=""))
    try:
        numbered = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ImportFileError(_("无法读取该 CSV 文件：%(reason)s") % {"reason": exc}) from exc
    found = _find_header([row for _, row in numbered[:HEADER_SEARCH_ROWS]])
    if found is None:
        return Sheet(headers=[_header(cell) for cell in numbered[0][1]] if numbered else [])
    headers = [_header(cell) for cell in numbered[found][1]]
    return _collect(numbered[found + 1 :], headers, progress, len(numbered) - found - 1)


def sheet_read(*, content: IO[bytes], filename: str, progress: Progress | None = None) -> Sheet:
    """Read an uploaded .xlsx or .csv (UTF-8 with or without BOM, else GB18030) into text rows."""
    data = content.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("文件超过 %(size)s MB。") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".xlsx":
        return _read_xlsx(data, progress)
    if suffix == ".csv":
        return _read_csv(data, progress)
    raise ImportFileError(_("只能导入 .xlsx 或 .csv 文件。"))


# --- checking ---------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(text: str) -> date:
    """A date as people type it in Chinese spreadsheets: 2001-07-01, 2001/7/1, 2001.7.1,
    2001年7月1日, 20010701, or an Excel day number in a cell not formatted as a date."""
    value = _nfkc(text).strip()
    match = _DATE.match(value)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    if value.isdigit() and len(value) == 8:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    if value.isdigit() and len(value) <= 5:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raise ValueError(value)


@dataclass
class Update:
    member_id: int
    index: str
    values: dict[str, Any]  # the record's non-sensitive fields after the import
    phone: str | None  # the new phone number when it changes, else None (kept as stored)
    changes: dict[str, list[Any]]


@dataclass
class Plan:
    """What committing the file would do, or the errors that stop it."""

    errors: list[dict[str, Any]] = field(default_factory=list)
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0


def _error(row: int | None, column: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "message": message}


class _Checker:
    """Per-row rules, with what they need loaded once: the units, the scope, the labels."""

    def __init__(self, *, scope: Scope, headers: list[str]) -> None:
        self.scope = scope
        self.positions = {_BY_HEADER[name].field: index for index, name in enumerate(headers) if name in _BY_HEADER}
        self.units = {unit.pk: unit for unit in OrgUnit.objects.all()}
        self.open_branches: dict[str, list[OrgUnit]] = {}
        self.closed_branches: set[str] = set()
        for unit in self.units.values():
            if unit.kind != OrgUnit.Kind.BRANCH:
                continue
            if unit.closed_on is None:
                self.open_branches.setdefault(unit.name, []).append(unit)
            else:
                self.closed_branches.add(unit.name)
        self.choices = {
            "gender": self._lookup(Member.Gender),
            "category": self._lookup(Member.Category),
            "status": self._lookup(Member.Status),
        }
        self.choice_text = {
            name: "、".join(choice_labels(cls).values())
            for name, cls in (("gender", Member.Gender), ("category", Member.Category), ("status", Member.Status))
        }
        self.today = timezone.localdate()

    @staticmethod
    def _lookup(choices: type[TextChoices]) -> dict[str, str]:
        labels = {label: value for value, label in choice_labels(choices).items()}
        labels.update({str(value): str(value) for value in choices.values})  # codes from the API work too
        return labels

    def clean(self, number: int, cells: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The row's fields as model values (present columns only, plus what the ID number
        says), and its errors."""
        raw = {name: cells[index] for name, index in self.positions.items()}
        errors: list[dict[str, Any]] = []
        fields: dict[str, Any] = {}

        def fail(name: str, message: str) -> None:
            errors.append(_error(number, _COLUMN_OF[name], message))

        for column in COLUMNS:
            if column.required and not raw.get(column.field):
                fail(column.field, _("“%(column)s”不能为空。") % {"column": column.header})

        for name, limit in _TEXT_LIMITS.items():
            value = raw.get(name)
            if value is None:
                continue
            if len(value) > limit:
                fail(name, _("“%(column)s”不能超过 %(limit)s 个字。") % {"column": _COLUMN_OF[name], "limit": limit})
            elif value or name != "ethnicity":  # an empty 民族 keeps the record's (汉族 when new)
                fields[name] = value

        number_text = raw.get("national_id", "")
        if number_text:
            id_text = _nfkc(number_text)
            if re.search(r"[eE]\+?\d", id_text) and "." in id_text:
                fail(
                    "national_id",
                    _("身份证号被表格软件转成了科学计数法，后几位已丢失，请把该列设为文本格式后重新填写。"),
                )
            else:
                try:
                    fields["national_id"] = clean_national_id(id_text)
                except ValidationError as exc:
                    for message in exc.messages:
                        fail("national_id", message)

        if "phone" in raw:
            try:
                fields["phone"] = clean_phone(_nfkc(raw["phone"]))
            except ValidationError as exc:
                for message in exc.messages:
                    fail("phone", message)

        for name in ("gender", "category", "status"):
            value = raw.get(name, "")
            if not value:
                continue
            code = self.choices[name].get(value)
            if code is None:
                fail(
                    name,
                    _("无法识别“%(value)s”，可填：%(choices)s。") % {"value": value, "choices": self.choice_text[name]},
                )
            else:
                fields[name] = code

        for name in _DATE_FIELDS:
            value = raw.get(name)
            if value is None:
                continue
            if not value:
                if name != "birth_date":
                    fields[name] = None
                continue
            try:
                parsed = parse_date(value)
            except ValueError:
                fail(name, _("日期格式不正确，应为 YYYY-MM-DD（例如 2001-07-01）。"))
                continue
            if parsed > self.today:
                fail(name, _("日期不能晚于今天。"))
                continue
            fields[name] = parsed

        if "national_id" in fields:
            number_id = fields["national_id"]
            # The identity rules live in validation.check_identity; asked one field at a time
            # so that each message lands in its own column.
            for message in check_identity(number=number_id, birth_date=fields.get("birth_date"), gender=None):
                fail("birth_date", message)
            for message in check_identity(number=number_id, birth_date=None, gender=fields.get("gender")):
                fail("gender", message)
            fields.setdefault("birth_date", national_id.birth_date(number_id))
            fields.setdefault("gender", national_id.gender(number_id))

        joined, confirmed = fields.get("joined_on"), fields.get("confirmed_on")
        born = fields.get("birth_date")
        if joined and born and joined < born:
            fail("joined_on", _("入党日期早于出生日期。"))
        if joined and confirmed and confirmed < joined:
            fail("confirmed_on", _("转正日期早于入党日期。"))
        if confirmed and fields.get("status") == Member.Status.PROBATIONARY:
            fail("confirmed_on", _("预备党员不应填写转正日期。"))

        branch_name = raw.get("branch", "")
        if branch_name:
            candidates = self.open_branches.get(branch_name, [])
            if len(candidates) == 1:
                unit = candidates[0]
                if self.scope.covers_unit(unit, manage=True):
                    fields["branch"] = unit
                else:
                    fail("branch", _("您无权管理“%(unit)s”的党员。") % {"unit": unit.name})
            elif candidates:
                fail(
                    "branch",
                    _("有 %(count)s 个党支部都叫“%(name)s”，无法确定是哪一个，请先在组织架构中区分名称。")
                    % {"count": len(candidates), "name": branch_name},
                )
            elif branch_name in self.closed_branches:
                fail("branch", _("党支部“%(name)s”已撤销。") % {"name": branch_name})
            else:
                fail("branch", _("找不到名为“%(name)s”的党支部。") % {"name": branch_name})
        return fields, errors

    def diff(
        self, *, number: int, fields: dict[str, Any], existing: dict[str, Any]
    ) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
        """Changes an existing record would get from this row, or why it may not."""
        errors: list[dict[str, Any]] = []
        current_branch = self.units.get(existing["branch_id"])
        if current_branch is None or not self.scope.covers_unit(current_branch, manage=True):
            errors.append(_error(number, "身份证号", _("该身份证号已有党员档案，但不在您的管理范围内。")))
            return {}, errors
        if fields.get("name") and fields["name"] != existing["name"]:
            errors.append(
                _error(
                    number,
                    "姓名",
                    _("该身份证号已登记为“%(name)s”的档案，与本行姓名不一致。") % {"name": existing["name"]},
                )
            )
        status = fields.get("status")
        if status and status != existing["status"]:
            # Status is a state machine with an effective date and a reason per transition
            # (services.member_status_change); a spreadsheet cell carries neither.
            errors.append(
                _error(
                    number,
                    "党籍状态",
                    _("党籍状态不能通过导入变更（档案中为“%(current)s”），请在党员档案中办理状态变更。")
                    % {"current": choice_labels(Member.Status).get(existing["status"], existing["status"])},
                )
            )
        if errors:
            return {}, errors
        changes: dict[str, list[Any]] = {}
        for name, value in fields.items():
            if name == "national_id":
                continue  # matched by it, so equal
            if name == "branch":
                if value.pk != existing["branch_id"]:
                    changes[name] = [change_display(name, current_branch), change_display(name, value)]
            elif existing[name] != value:
                changes[name] = [change_display(name, existing[name]), change_display(name, value)]
        return changes, errors


_COLUMN_OF = {column.field: column.header for column in COLUMNS}
_EXISTING_FIELDS = (
    "id",
    "national_id_index",
    "branch_id",
    "status",
    *(name for name in EDITABLE if name not in ("national_id", "branch")),
)


def _existing(indexes: list[str], *, lock: bool) -> dict[str, dict[str, Any]]:
    """Records already in this institution, by blind index (national ID stays encrypted; the
    phone is decrypted to compare)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(indexes), 5000):
        members = Member.objects.filter(national_id_index__in=indexes[start : start + 5000]).order_by("pk")
        if lock:
            members = members.select_for_update()
        for row in members.values(*_EXISTING_FIELDS):
            found[row["national_id_index"]] = row
    return found


def import_check(*, sheet: Sheet, acting_user: Any, lock: bool = False) -> Plan:
    """Every error of every row, or what committing would create, update and leave unchanged.
    Checks: required columns, required cells, ID number (length, check digit), birth date and
    gender against it, dates, choice labels, lengths, the branch (exists, unambiguous, open, in
    the uploader's managed scope), duplicates in the file, conflicts with existing records."""
    plan = Plan(rows=len(sheet.rows))
    seen_headers: set[str] = set()
    for header in sheet.headers:
        if header in _BY_HEADER and header in seen_headers:
            plan.errors.append(_error(None, header, _("表头中“%(column)s”列出现了不止一次。") % {"column": header}))
        seen_headers.add(header)
    missing = [column.header for column in COLUMNS if column.required and column.header not in seen_headers]
    if missing:
        plan.errors.append(_error(None, "", _("缺少必填列：%(columns)s。") % {"columns": "、".join(missing)}))
    if not plan.errors and not sheet.rows:
        plan.errors.append(_error(None, "", _("文件中没有数据行。")))
    if plan.errors:
        return plan

    checker = _Checker(scope=scope_for(acting_user), headers=sheet.headers)
    cleaned: list[tuple[int, dict[str, Any], str | None, bool]] = []
    first_row: dict[str, int] = {}
    for number, cells in sheet.rows:
        fields, errors = checker.clean(number, cells)
        index = None
        if "national_id" in fields:
            earlier = first_row.setdefault(fields["national_id"], number)
            if earlier != number:
                errors.append(_error(number, "身份证号", _("身份证号与第 %(row)s 行重复。") % {"row": earlier}))
            else:
                index = blind_index(fields["national_id"])
        plan.errors.extend(errors)
        cleaned.append((number, fields, index, not errors))

    existing = _existing([index for _, _, index, _ in cleaned if index], lock=lock)
    for number, fields, index, valid in cleaned:
        if index is None:
            continue
        record = existing.get(index)
        if record is None:
            if valid:
                plan.creates.append({**fields, "national_id_index": index})
            continue
        changes, errors = checker.diff(number=number, fields=fields, existing=record)
        plan.errors.extend(errors)
        if not valid or errors:
            continue
        if not changes:
            plan.unchanged += 1
            continue
        values = {name: record[name] for name in _EXISTING_FIELDS if name not in ("id", "national_id_index")}
        values["branch"] = record["branch_id"]
        values.update({name: value for name, value in fields.items() if name not in ("national_id", "phone")})
        phone = fields["phone"] if "phone" in changes else None
        plan.updates.append(Update(member_id=record["id"], index=index, values=values, phone=phone, changes=changes))
    plan.errors.sort(key=lambda error: error["row"] or 0)
    return plan


# --- writing ----------------------------------------------------------------------------------

_STAGING = "member_import_staging"
_STAGING_TYPES = {"birth_date": "date", "joined_on": "date", "confirmed_on": "date", "branch": "bigint"}  # else text
_MEMBER_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "national_id",
    "national_id_index",
    "phone",
    "native_place",
    "education",
    "degree",
    "category",
    "number",
    "status",
    "branch",
    "joined_on",
    "confirmed_on",
)
# Database column names (branch -> branch_id).
_COLUMNS_SQL: list[str] = [str(Member._meta.get_field(name).column) for name in _MEMBER_FIELDS]  # type: ignore[union-attr]
_CREATE_DEFAULTS: dict[str, Any] = {
    "ethnicity": Member._meta.get_field("ethnicity").get_default(),
    "phone": "",
    "native_place": "",
    "education": "",
    "degree": "",
    "number": "",
    "joined_on": None,
    "confirmed_on": None,
}


def _copy_value(value: Any) -> str:
    """One field in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, OrgUnit):
        value = value.pk
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _staging_rows(plan: Plan) -> Iterator[list[Any]]:
    # Fernet encryption happens here, in Python, once per value: the database never sees a
    # national ID number or a phone number in clear.
    for fields in plan.creates:
        record = {**_CREATE_DEFAULTS, **fields}
        changes = {name: [None, change_display(name, record[name])] for name in EDITABLE}
        record["national_id"] = encrypt(record["national_id"])
        record["phone"] = encrypt(record["phone"]) if record["phone"] else ""
        yield ["c", None, *(record[name] for name in _MEMBER_FIELDS), changes]
    for update in plan.updates:
        record = {**update.values, "national_id": None, "national_id_index": update.index}
        record["phone"] = None if update.phone is None else (encrypt(update.phone) if update.phone else "")
        yield ["u", update.member_id, *(record.get(name) for name in _MEMBER_FIELDS), update.changes]


def _stage(cursor: Any, plan: Plan) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_STAGING}")
    columns = ", ".join(
        f"{column} {_STAGING_TYPES.get(name, 'text')}"
        for name, column in zip(_MEMBER_FIELDS, _COLUMNS_SQL, strict=True)
    )
    cursor.execute(
        f"CREATE TEMP TABLE {_STAGING} (op char(1) NOT NULL, member_id bigint, {columns}, changes jsonb) ON COMMIT DROP"
    )
    buffer = io.StringIO()
    for row in _staging_rows(plan):
        buffer.write("\t".join(_copy_value(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor.cursor.copy_expert(f"COPY {_STAGING} (op, member_id, {', '.join(_COLUMNS_SQL)}, changes) FROM STDIN", buffer)


def _write_members(cursor: Any, plan: Plan) -> None:
    member = connection.ops.quote_name(Member._meta.db_table)
    columns = ", ".join(_COLUMNS_SQL)
    cursor.execute(
        f"INSERT INTO {member} ({columns}, created_at, updated_at) "
        f"SELECT {columns}, now(), now() FROM {_STAGING} WHERE op = 'c'"
    )
    if cursor.rowcount != len(plan.creates):
        raise RuntimeError("import: created rows do not match the plan")
    kept = ("national_id", "national_id_index", "phone")
    assignments = ", ".join(
        f"{column} = s.{column}" for name, column in zip(_MEMBER_FIELDS, _COLUMNS_SQL, strict=True) if name not in kept
    )
    cursor.execute(
        f"UPDATE {member} AS m SET {assignments}, phone = COALESCE(s.phone, m.phone), updated_at = now() "
        f"FROM {_STAGING} AS s WHERE s.op = 'u' AND m.id = s.member_id"
    )
    if cursor.rowcount != len(plan.updates):
        raise RuntimeError("import: updated rows do not match the plan")


def _write_history(cursor: Any, *, actor: Any, reason: str) -> None:
    member = connection.ops.quote_name(Member._meta.db_table)
    history = connection.ops.quote_name(MemberChange._meta.db_table)
    cursor.execute(
        f"INSERT INTO {history} (member_id, changed_at, actor_id, actor_username, kind, reason, changes) "
        f"SELECT m.id, now(), %s, %s, 'imported', %s, s.changes FROM {_STAGING} AS s "
        f"JOIN {member} AS m ON m.national_id_index = s.national_id_index",
        [getattr(actor, "pk", None), getattr(actor, "username", ""), reason],
    )


def _queue_search(cursor: Any) -> None:
    # The imported and updated members join the search index in this same transaction.
    member = connection.ops.quote_name(Member._meta.db_table)
    cursor.execute(f"SELECT m.id FROM {_STAGING} AS s JOIN {member} AS m ON m.national_id_index = s.national_id_index")
    index_later_many(kind="member", object_ids=[row[0] for row in cursor.fetchall()])


# --- the job ----------------------------------------------------------------------------------


def _safe_filename(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f]", "", base).strip()
    stem, suffix = base[: -len(PurePosixPath(base).suffix) or None], PurePosixPath(base).suffix.lower()
    return (stem[:120] or "roster") + suffix


def _job_dir(job: ImportJob) -> str:
    return job.file_key.rsplit("/", 1)[0]


def _rows_key(job: ImportJob) -> str:
    # A sub-folder: no uploaded file name can collide with it.
    return f"{_job_dir(job)}/derived/rows.json"


def _report_key(job: ImportJob) -> str:
    return f"{_job_dir(job)}/derived/errors.xlsx"


def import_start(*, acting_user: Any, upload: IO[bytes], filename: str, schema_name: str, language: str) -> ImportJob:
    """Store the upload under ``<schema>/imports/<job id>/<filename>``, create the job and queue
    its validation once the job is committed. Only people who manage some unit may import."""
    if not scope_for(acting_user).is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能导入党员名册。"))
    name = _safe_filename(filename)
    if PurePosixPath(name).suffix not in EXTENSIONS:
        raise ValidationError(_("只能导入 .xlsx 或 .csv 文件。"))
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件超过 %(size)s MB。") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    job = ImportJob(created_by=acting_user, filename=name[:200])
    job.file_key = f"{schema_name}/imports/{job.pk}/{name}"
    with transaction.atomic():
        job.save()
        get_storage().save(job.file_key, io.BytesIO(data))

        def queue() -> None:
            from .tasks import validate_import

            validate_import.delay(schema_name, str(job.pk), language)

        transaction.on_commit(queue)
    return job


def _recorder(job: ImportJob) -> Progress:
    def record(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    return record


def _finish(job: ImportJob, plan: Plan, *, sheet: Sheet, ok_status: str) -> None:
    job.total_rows = job.processed_rows = len(sheet.rows)
    job.errors = plan.errors
    job.created_count, job.updated_count, job.unchanged_count = len(plan.creates), len(plan.updates), plan.unchanged
    if plan.errors:
        job.status = ImportJob.Status.INVALID
        job.finished_at = timezone.now()
        if any(error["row"] for error in plan.errors):
            buffer = io.BytesIO()
            error_report_write(sheet=sheet, errors=plan.errors, out=buffer)
            buffer.seek(0)
            get_storage().save(_report_key(job), buffer)
            job.error_report_key = _report_key(job)
    else:
        job.status = ok_status
        if ok_status == ImportJob.Status.DONE:
            job.finished_at = timezone.now()
    job.save()


def _fail(job: ImportJob, message: str) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, failure=message, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def import_validate(*, job: ImportJob) -> ImportJob:
    """The worker's first step: read the file, check every row, keep the rows for the commit,
    write the error report. Ends in PREVIEW (nothing wrong) or INVALID."""
    if job.status != ImportJob.Status.VALIDATING:
        return job  # a redelivered task: this step already ran
    storage = get_storage()
    try:
        with storage.open(job.file_key) as content:
            sheet = sheet_read(content=content, filename=job.filename, progress=_recorder(job))
        plan = import_check(sheet=sheet, acting_user=job.created_by)
        if not plan.errors:
            storage.save(_rows_key(job), io.BytesIO(sheet.dumps()))
        _finish(job, plan, sheet=sheet, ok_status=ImportJob.Status.PREVIEW)
    except ImportFileError as exc:
        job.errors = [_error(None, "", str(exc))]
        job.status = ImportJob.Status.INVALID
        job.finished_at = timezone.now()
        job.save()
    except Exception:
        logger.exception("import %s: validation failed", job.pk)
        return _fail(job, _("校验时出错，请重新上传；问题持续请联系管理员。"))
    return job


def import_confirm(*, job: ImportJob, acting_user: Any, schema_name: str, language: str) -> bool:
    """The uploader confirms a clean preview: the job moves to COMMITTING (once, whoever clicks
    twice) and the commit is queued."""
    moved = ImportJob.objects.filter(pk=job.pk, created_by=acting_user, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.COMMITTING, processed_rows=0
    )
    if moved:

        def queue() -> None:
            from .tasks import commit_import

            commit_import.delay(schema_name, str(job.pk), language)

        transaction.on_commit(queue)
    return bool(moved)


def import_commit(*, job: ImportJob) -> ImportJob:
    """Write the confirmed rows in one transaction: members, their "imported" history rows, one
    audit row and the job's outcome commit together or not at all."""
    if job.status != ImportJob.Status.COMMITTING:
        return job  # a redelivered task after the commit, or a job nobody confirmed
    storage = get_storage()
    try:
        with storage.open(_rows_key(job)) as content:
            sheet = Sheet.loads(content.read())
        actor = job.created_by
        with transaction.atomic():
            plan = import_check(sheet=sheet, acting_user=actor, lock=True)
            if not plan.errors and (plan.creates or plan.updates):
                with connection.cursor() as cursor:
                    _stage(cursor, plan)
                    _write_members(cursor, plan)
                    _write_history(cursor, actor=actor, reason=f"导入：{job.filename}"[:200])
                    _queue_search(cursor)
            if not plan.errors:
                audit_record(
                    event=Event.MEMBERS_IMPORTED,
                    actor=actor,
                    target=job,
                    detail={
                        "filename": job.filename,
                        "rows": plan.rows,
                        "created": len(plan.creates),
                        "updated": len(plan.updates),
                        "unchanged": plan.unchanged,
                    },
                )
            # Records changed since the preview: the new errors are shown, nothing is written.
            _finish(job, plan, sheet=sheet, ok_status=ImportJob.Status.DONE)
    except Exception:
        logger.exception("import %s: commit failed", job.pk)
        return _fail(job, _("导入失败，数据未作任何修改。请稍后重试；问题持续请联系管理员。"))
    if job.status == ImportJob.Status.DONE:
        storage.delete(_rows_key(job))  # the upload itself stays, as the record of what was imported
    return job


def import_job_get(*, acting_user: Any, pk: str) -> ImportJob:
    """The uploader's own job (ImportJob.DoesNotExist otherwise, a 404: the preview lists
    errors about people)."""
    return ImportJob.objects.get(pk=pk, created_by=acting_user)


def import_job_list(*, acting_user: Any, limit: int = 10) -> list[ImportJob]:
    return list(ImportJob.objects.filter(created_by=acting_user).order_by("-created_at")[:limit])


# --- spreadsheets for people: the template and the error report --------------------------------

_BAD_FILL = PatternFill("solid", fgColor="FEE4E2")
_TEXT_COLUMNS = ("身份证号", "手机号", "学号/工号", "出生日期", "入党日期", "转正日期")


def template_write(*, out: IO[bytes]) -> None:
    """The import template: the header row (text-formatted where Excel would mangle values,
    drop-down lists for the choice columns) and a "说明" sheet, one line per column."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = TEMPLATE_SHEET
    sheet.append(list(HEADERS))
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C8161D" if column.required else "000000")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(10, len(column.example) * 1.6)
        if column.header in _TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices is not None:
            labels = ",".join(choice_labels(column.choices).values())
            validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=not column.required)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.append(["列名", "是否必填", "含义", "格式", "示例"])
    for column in COLUMNS:
        help_sheet.append(
            [
                column.header,
                "必填" if column.required else "选填",
                column.meaning,
                column_format(column),
                column.example,
            ]
        )
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (12, 10, 48, 48, 26), strict=True):
        help_sheet.column_dimensions[letter].width = width
    help_sheet.append([])
    help_sheet.append(
        [
            "说明",
            "",
            "第一行为表头，请勿修改列名；红色列为必填。同一身份证号已有档案的将被更新，否则新建。"
            "校验通过并确认后才会写入，任何一行有错误时都不会导入。",
        ]
    )
    workbook.save(out)


def error_report_write(*, sheet: Sheet, errors: list[dict[str, Any]], out: IO[bytes]) -> None:
    """The uploaded rows as they were, with an extra "错误" column filled on each bad row:
    fix the file, upload it again (the extra column is ignored)."""
    by_row: dict[int, list[str]] = {}
    for error in errors:
        if error["row"]:
            text = f"{error['column']}：{error['message']}" if error["column"] else error["message"]
            by_row.setdefault(error["row"], []).append(text)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(TEMPLATE_SHEET)
    worksheet.freeze_panes = "A2"
    headers = [header for header in sheet.headers if header != ERROR_COLUMN]
    keep = [index for index, header in enumerate(sheet.headers) if header != ERROR_COLUMN]
    worksheet.append([*headers, ERROR_COLUMN])
    for number, cells in sheet.rows:
        values: list[Any] = [cells[index] for index in keep]
        messages = by_row.get(number)
        if messages:
            cell = WriteOnlyCell(worksheet, "；".join(messages))
            cell.fill = _BAD_FILL
            cell.font = Font(color="B42318")
            values.append(cell)
        worksheet.append(values)
    workbook.save(out)


STALE_AFTER = timedelta(hours=2)


def import_jobs_expire(*, now: datetime | None = None) -> int:
    """Fail jobs stuck in a worker step (a lost task or a dead worker) so that their page stops
    waiting and says what to do. Returns how many were failed."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return ImportJob.objects.filter(
        status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING], created_at__lt=cutoff
    ).update(
        status=ImportJob.Status.FAILED,
        failure=_("导入任务超时未完成，数据未作任何改动，请重新上传。"),
        finished_at=timezone.now(),
    )
