"""Member roster exports (issue 3, item 6; issue 9, reproduction 6), all audited:

- the roster in exactly the importer's columns (imports.COLUMNS), so an export imports back
  unchanged; it lists every member the user may see (selectors.member_list). The record's
  sensitive fields (record.py: national ID and phone) are masked (3701**********1234,
  138****0001): the importer finds the record a masked number stands for and keeps its real numbers;
- the full roster, the same file with full numbers for the members the user manages (masked for
  the others): a separate action for managers, with a reason (validation.clean_access_reason),
  audited as a sensitive export;
- the national party-member information system's record (全国党员管理信息系统): full ID numbers
  of the members the user manages, so only managers may take it, and only with a reason.

Large rosters stream: rows come from the database 2000 at a time and openpyxl's write-only
workbook writes them to a temporary file, so memory does not grow with the roster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DateField
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from services.audit.services import audit_record
from services.members import audit_events
from services.organization.scope import scope_for

from . import selectors
from .imports import COLUMNS, HEADERS, TEMPLATE_SHEET, choice_labels
from .imports.columns import RETAINED_SINCE
from .models import Member
from .record import SENSITIVE, mask
from .validation import clean_access_reason

CHUNK = 2000
NATIONAL_HEADERS = (
    "姓名",
    "性别",
    "公民身份号码",
    "民族",
    "出生日期",
    "学历",
    "人员类别",
    "所在党支部",
    "入党日期",
    "转为正式党员日期",
    "党籍状态",
    "联系电话",
)
NATIONAL_SHEET = "党员信息"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class _Labels:
    def __init__(self) -> None:
        self.gender = choice_labels(Member.Gender)
        self.category = choice_labels(Member.Category)
        self.status = choice_labels(Member.Status)


def _write(out: IO[bytes], *, sheet_title: str, headers: tuple[str, ...], rows: Iterator[list[Any]]) -> int:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet_title)
    worksheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(worksheet, header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    worksheet.append(header_cells)
    count = 0
    for row in rows:
        worksheet.append(row)  # every value is text: Excel keeps 18-digit numbers and leading zeros
        count += 1
    workbook.save(out)
    return count


def _with_retained_since(members: Iterator[Member]) -> Iterator[tuple[Member, date | None]]:
    """Each member with the day they became retained (retained members only; one query per
    ``CHUNK`` members)."""
    chunk: list[Member] = []

    def flush() -> Iterator[tuple[Member, date | None]]:
        since = selectors.retained_since(m.pk for m in chunk if m.status == Member.Status.RETAINED)
        for member in chunk:
            yield member, since.get(member.pk)
        chunk.clear()

    for member in members:
        chunk.append(member)
        if len(chunk) == CHUNK:
            yield from flush()
    yield from flush()


Cell = Callable[[Member, date | None], Any]


def _roster_cells(labels: _Labels, *, full: bool) -> list[Cell]:
    """How each column of the roster (the importer's ``COLUMNS``) is written, given the member and
    the day they became retained: choices by their Chinese label, dates as YYYY-MM-DD, the branch
    by name, the record's sensitive fields (record.SENSITIVE) masked unless ``full``."""
    choices = {"gender": labels.gender, "category": labels.category, "status": labels.status}

    def cell(field: str) -> Cell:
        if field == RETAINED_SINCE:
            return lambda member, since: _day(since)
        if field == "branch":
            return lambda member, since: member.branch.name
        if field in choices:
            return lambda member, since: choices[field].get(getattr(member, field), "")
        if isinstance(Member._meta.get_field(field), DateField):
            return lambda member, since: _day(getattr(member, field))
        if field in SENSITIVE and not full:
            return lambda member, since: mask(field, getattr(member, field))
        return lambda member, since: getattr(member, field)

    return [cell(column.field) for column in COLUMNS]


def _roster(*, acting_user: Any, out: IO[bytes], full: bool) -> dict[str, int]:
    """Write the roster the user may see; numbers in full only when ``full`` and the user manages
    the member. Returns the count of rows and of full and masked ones."""
    scope = scope_for(acting_user)
    labels = _Labels()
    in_full_cells, masked_cells = _roster_cells(labels, full=True), _roster_cells(labels, full=False)
    tally = {"full": 0, "masked": 0}

    def rows() -> Iterator[list[Any]]:
        members = selectors.member_list(acting_user=acting_user, scope=scope)
        for member, retained_since in _with_retained_since(members.iterator(chunk_size=CHUNK)):
            in_full = full and scope.covers_unit(member.branch, manage=True)
            tally["full" if in_full else "masked"] += 1
            yield [cell(member, retained_since) for cell in (in_full_cells if in_full else masked_cells)]

    count = _write(out, sheet_title=TEMPLATE_SHEET, headers=HEADERS, rows=rows())
    return {"count": count, **tally}


def _require_manager_and_reason(*, acting_user: Any, reason: str, refusal: str) -> str:
    if not scope_for(acting_user).is_manager:
        raise PermissionDenied(refusal)
    try:
        return clean_access_reason(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc


def member_export_roster(*, acting_user: Any, out: IO[bytes]) -> int:
    """Write the roster the user may see to ``out`` (.xlsx, the importer's columns) with ID
    numbers and phones masked; returns the number of members. Audited with the count."""
    tally = _roster(acting_user=acting_user, out=out, full=False)
    audit_record(event=audit_events.MEMBERS_EXPORTED, actor=acting_user, detail={"format": "roster", **tally})
    return tally["count"]


def member_export_roster_full(*, acting_user: Any, reason: str, out: IO[bytes]) -> int:
    """The roster with full ID numbers and phones of the members the user manages (masked for
    the ones they only see). Managers only, with a reason; audited as a sensitive export."""
    reason = _require_manager_and_reason(
        acting_user=acting_user, reason=reason, refusal=_("只有管理党组织的人员才能导出含完整身份证号的名册。")
    )
    tally = _roster(acting_user=acting_user, out=out, full=True)
    audit_record(
        event=audit_events.MEMBERS_EXPORTED,
        actor=acting_user,
        detail={"format": "roster_full", "sensitive": True, "reason": reason, **tally},
    )
    return tally["count"]


def member_export_national(*, acting_user: Any, reason: str, out: IO[bytes]) -> int:
    """Write the members the user manages in the national system's record layout, full ID
    numbers included. Managers only, with a reason (validation.clean_access_reason) that the
    audit row keeps."""
    reason = _require_manager_and_reason(
        acting_user=acting_user,
        reason=reason,
        refusal=_("只有管理党组织的人员才能导出全国党员管理信息系统格式的名册。"),
    )
    scope = scope_for(acting_user)
    labels = _Labels()

    def rows() -> Iterator[list[Any]]:
        members = selectors.member_list(acting_user=acting_user, scope=scope).filter(scope.members_q(manage=True))
        for member in members.iterator(chunk_size=CHUNK):
            yield [
                member.name,
                labels.gender.get(member.gender, ""),
                member.national_id,
                member.ethnicity,
                _day(member.birth_date),
                member.education,
                labels.category.get(member.category, ""),
                member.branch.name,
                _day(member.joined_on),
                _day(member.confirmed_on),
                labels.status.get(member.status, ""),
                member.phone,
            ]

    count = _write(out, sheet_title=NATIONAL_SHEET, headers=NATIONAL_HEADERS, rows=rows())
    audit_record(
        event=audit_events.MEMBERS_EXPORTED,
        actor=acting_user,
        detail={"format": "national", "sensitive": True, "count": count, "reason": reason},
    )
    return count
