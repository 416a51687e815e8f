"""Checking a whole sheet against the database: every error of every row (duplicates in the file,
conflicts with existing records included), or the ``Plan`` of what committing would do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from services.crypto import blind_index
from services.organization.scope import scope_for

from ..models import Member
from ..record import EDITABLE
from ..selectors import retained_since
from .columns import _BY_HEADER, COLUMNS, RETAINED_SINCE
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
    rows: int = 0


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
    checker.unmask(sheet.rows)
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
            if MASKED_PHONE in fields:
                plan.errors.append(_error(number, "手机号", _("手机号是脱敏号码，新建档案须填写完整手机号或留空。")))
            elif valid:
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
    plan.errors.sort(key=lambda error: error["row"] or 0)
    return plan
