"""Checking a whole sheet against the database: every error of every row (duplicates in the file,
conflicts with existing records included), or the ``Plan`` of what committing would do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from services.crypto import blind_index
from services.organization.scope import scope_for

from ..models import Member
from ..record import EDITABLE
from ..selectors import retained_since
from .aliases import ColumnMap, accepted_headers
from .columns import _COLUMN_OF, RETAINED_SINCE
from .reading import Sheet
from .row_checks import MASKED_PHONE, _Checker, _error


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
    unchanged_indexes: list[str] = field(default_factory=list)  # whom "create accounts" reaches too
    rows: int = 0
    columns: list[dict[str, str]] = field(default_factory=list)  # ColumnMap.as_json: what was read where


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
        rows = list(members.values(*_EXISTING_FIELDS))
        retained = retained_since(row["id"] for row in rows if row["status"] == Member.Status.RETAINED)
        for row in rows:
            row[RETAINED_SINCE] = retained.get(row["id"])
            found[row["national_id_index"]] = row
    return found


class _Row(NamedTuple):
    number: int  # the row's number in the file
    fields: dict[str, Any]
    id_index: str | None  # the ID number's blind index; None: no number, or a repeat of an earlier row's
    valid: bool


def import_check(*, sheet: Sheet, acting_user: Any, lock: bool = False) -> Plan:
    """Every error of every row, or what committing would create, update and leave unchanged.
    Checks: required columns, required cells, ID number (length, check digit), birth date and
    gender against it, dates, choice labels, lengths, the branch (exists, unambiguous, open, in
    the uploader's managed scope), duplicates in the file, conflicts with existing records.
    Columns are read by any of their names in the alias table (aliases.py)."""
    columns = ColumnMap(sheet.headers)
    plan = Plan(rows=len(sheet.rows), errors=_sheet_errors(sheet, columns), columns=columns.as_json())
    if plan.errors:
        return plan
    checker = _Checker(scope=scope_for(acting_user), columns=columns)
    checker.unmask(sheet.rows)
    rows = _clean_rows(checker, sheet, plan)
    existing = _existing([row.id_index for row in rows if row.id_index], lock=lock)
    for row in rows:
        if row.id_index is not None:
            _plan_row(plan, checker, row, existing.get(row.id_index))
    plan.errors.sort(key=lambda error: error["row"] or 0)
    return plan


def _sheet_errors(sheet: Sheet, columns: ColumnMap) -> list[dict[str, Any]]:
    """What is wrong with the file as a whole: a field in two columns, a required column missing
    (with the names it may have, and the file's columns nothing is read from), no rows."""
    errors = []
    for field_name, headers in columns.duplicates().items():
        if len(set(headers)) == 1:
            message = _("表头中“%(column)s”列出现了不止一次。") % {"column": headers[0]}
        else:
            message = _("“%(columns)s”都是“%(field)s”列，请只保留一列。") % {
                "columns": "”“".join(headers),
                "field": _COLUMN_OF[field_name],
            }
        errors.append(_error(None, headers[0], message))
    missing = columns.missing()
    if missing:
        names = "、".join(column.header for column in missing)
        errors.append(_error(None, "", _("缺少必填列：%(columns)s。") % {"columns": names}))
        for column in missing:
            names = "、".join(accepted_headers(column.field))
            errors.append(_error(None, column.header, _("该列可用的列名：%(names)s。") % {"names": names}))
        unknown = columns.unknown()
        if unknown:
            message = _(
                "文件中未能识别的列：%(columns)s。若其中有上述必填列，请把列名改为可用的列名之一"
                "（导入模板的“说明”页列出了全部可用的列名）。"
            ) % {"columns": "、".join(unknown)}
            errors.append(_error(None, "", message))
    if not errors and not sheet.rows:
        errors.append(_error(None, "", _("文件中没有数据行。")))
    return errors


def _clean_rows(checker: _Checker, sheet: Sheet, plan: Plan) -> list[_Row]:
    """Each row checked on its own (``_Checker.clean``), and an ID number met again in a later
    row refused there; the errors go to ``plan``."""
    rows = []
    first_row: dict[str, int] = {}
    for number, cells in sheet.rows:
        fields, errors = checker.clean(number, cells)
        index = None
        if "national_id" in fields:
            earlier = first_row.setdefault(fields["national_id"], number)
            if earlier != number:
                message = _("身份证号与第 %(row)s 行重复。") % {"row": earlier}
                errors.append(_error(number, checker.columns.header_of("national_id"), message))
            else:
                index = blind_index(fields["national_id"])
        plan.errors.extend(errors)
        rows.append(_Row(number, fields, index, not errors))
    return rows


def _plan_row(plan: Plan, checker: _Checker, row: _Row, record: dict[str, Any] | None) -> None:
    """A row with an ID number against the record of that number, if any: a create, an update,
    unchanged, or its errors."""
    number, fields, index, valid = row
    assert index is not None
    if record is None:
        if MASKED_PHONE in fields:
            message = _("手机号是脱敏号码，新建档案须填写完整手机号或留空。")
            plan.errors.append(_error(number, checker.columns.header_of("phone"), message))
        elif valid:
            plan.creates.append({**fields, "national_id_index": index})
        return
    changes, errors = checker.diff(number=number, fields=fields, existing=record)
    plan.errors.extend(errors)
    if not valid or errors:
        return
    if not changes:
        plan.unchanged += 1
        plan.unchanged_indexes.append(index)
        return
    values = {name: record[name] for name in _EXISTING_FIELDS if name not in ("id", "national_id_index")}
    values[RETAINED_SINCE] = fields[RETAINED_SINCE] if RETAINED_SINCE in changes else None
    values["branch"] = record["branch_id"]
    values.update(
        {
            name: value
            for name, value in fields.items()
            if name not in ("national_id", "phone", MASKED_PHONE, RETAINED_SINCE)
        }
    )
    phone = fields["phone"] if "phone" in changes else None
    plan.updates.append(Update(member_id=record["id"], index=index, values=values, phone=phone, changes=changes))
