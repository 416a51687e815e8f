"""Per-row rules: one row's cells as model values, and every error of the row.

Field rules come from validation.py (national ID, phone, identity cross-check); this module only
adds what belongs to a file: columns, labels, dates as typed in spreadsheets.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from services.organization.models import OrgUnit
from services.organization.scope import Scope

from .. import national_id
from ..models import Member
from ..record import mask
from ..services import change_display
from ..validation import (
    DATE_FIELDS,
    check_identity,
    clean_national_id,
    clean_phone,
    is_masked_phone,
    national_id_taken_message,
    new_date_errors,
    record_date_errors,
)
from .aliases import ColumnMap, choice_lookup, name_text, nfkc, value_key
from .columns import _DATE_FIELDS, _TEXT_LIMITS, COLUMNS, RETAINED_SINCE, choice_labels

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
# How a step of ``_Checker.clean`` reports an error: the field it concerns and the message.
Fail = Callable[[str, str], None]
# A choice or a branch name repeats down a column: its lookup key is computed once per distinct text.
_repeated_key = lru_cache(maxsize=4096)(value_key)
# Not a field: a masked phone cell (138****0001), which keeps the record's number when it is
# that number's mask and is refused otherwise.
MASKED_PHONE = "masked_phone"


class NoSuchDate(ValueError):
    """Written as a date, but no such day exists (2019年13月40日, 2023-02-29)."""

    def __init__(self, text: str, year: int, month: int, day: int) -> None:
        super().__init__(text)
        self.text, self.year, self.month, self.day = text, year, month, day

    def message(self) -> str:
        if not 1 <= self.month <= 12:
            why = _("月份应为 1–12")
        elif self.year >= 1:
            why = _("%(year)s年%(month)s月只有 %(days)s 天") % {
                "year": self.year,
                "month": self.month,
                "days": calendar.monthrange(self.year, self.month)[1],
            }
        else:
            why = _("年份不正确")
        return _("日期不存在：%(text)s（%(why)s）。") % {"text": self.text, "why": why}


def _day(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise NoSuchDate(text, year, month, day) from None


def parse_date(text: str) -> date:
    """A date as people type it in Chinese spreadsheets: 2001-07-01, 2001/7/1, 2001.7.1,
    2001年7月1日, 20010701, or an Excel day number in a cell not formatted as a date.
    ``NoSuchDate`` (a ValueError) when it is written as a date but the day does not exist,
    ``ValueError`` when it is not written as a date at all."""
    value = nfkc(text).strip()
    match = _DATE.match(value)
    if match:
        return _day(text.strip(), int(match[1]), int(match[2]), int(match[3]))
    if value.isdigit() and len(value) == 8:
        return _day(text.strip(), int(value[:4]), int(value[4:6]), int(value[6:]))
    if value.isdigit() and len(value) <= 5:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raise ValueError(value)


def _error(row: int | None, column: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "message": message}


class _Checker:
    """Per-row rules, with what they need loaded once: the units, the scope, the labels. Each
    error names the column as the file does (``ColumnMap.header_of``)."""

    def __init__(self, *, scope: Scope, columns: ColumnMap) -> None:
        self.scope = scope
        self.columns = columns
        self.positions = columns.positions
        self.units = {unit.pk: unit for unit in OrgUnit.objects.all()}
        # By value_key(name): full-width brackets and spaces in a cell do not hide a branch.
        self.open_branches: dict[str, list[OrgUnit]] = {}
        self.closed_branches: set[str] = set()
        for unit in self.units.values():
            if unit.kind != OrgUnit.Kind.BRANCH:
                continue
            if unit.closed_on is None:
                self.open_branches.setdefault(value_key(unit.name), []).append(unit)
            else:
                self.closed_branches.add(value_key(unit.name))
        self.choices = {
            "gender": choice_lookup("gender", Member.Gender),
            "category": choice_lookup("category", Member.Category),
            "status": choice_lookup("status", Member.Status),
        }
        self.choice_text = {
            name: "、".join(choice_labels(cls).values())
            for name, cls in (("gender", Member.Gender), ("category", Member.Category), ("status", Member.Status))
        }
        self.today = timezone.localdate()
        self.unmasked: dict[tuple[str, str], list[str]] = {}  # (name, masked number) -> numbers

    def unmask(self, rows: list[tuple[int, list[str]]]) -> None:
        """Find the numbers behind masked ID numbers (a masked export imported back): the
        members the uploader manages whose name is the row's and whose masked number is the
        cell's. Their numbers are decrypted for that, one query per 5000 names; a member the
        uploader does not manage is never found, so a masked row tells nothing about them."""
        id_at, name_at = self.positions.get("national_id"), self.positions.get("name")
        if id_at is None or name_at is None:
            return
        wanted: dict[str, set[str]] = {}
        for _row, cells in rows:
            number = value_key(cells[id_at])
            if national_id.is_masked(number):
                wanted.setdefault(name_text(cells[name_at]), set()).add(national_id.normalize(number))
        names = list(wanted)
        for start in range(0, len(names), 5000):
            members = Member.objects.filter(self.scope.members_q(manage=True), name__in=names[start : start + 5000])
            for name, number in members.values_list("name", "national_id"):
                masked = mask("national_id", number)
                if masked in wanted[name]:
                    self.unmasked.setdefault((name, masked), []).append(number)

    def clean(self, number: int, cells: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The row's fields as model values (present columns only, plus what the ID number
        says), and its errors. The steps run in this order, each adding what it parsed to
        ``fields`` and its messages, in the column they concern, through ``fail``."""
        raw = {name: cells[index] for name, index in self.positions.items()}
        if "name" in raw:
            raw["name"] = name_text(raw["name"])
        if "number" in raw:
            raw["number"] = value_key(raw["number"])  # an identifier: full-width digits typed by mistake
        errors: list[dict[str, Any]] = []
        fields: dict[str, Any] = {}

        def fail(name: str, message: str) -> None:
            errors.append(_error(number, self.columns.header_of(name), message))

        self._required(raw, fail)
        self._texts(raw, fields, fail)
        self._national_id(raw, fields, fail)
        self._phone(raw, fields, fail)
        self._choices(raw, fields, fail)
        self._dates(raw, fields, fail)
        self._identity(fields, fail)
        self._record_dates(fields, fail)
        self._branch(raw, fields, fail)
        return fields, errors

    def _required(self, raw: dict[str, str], fail: Fail) -> None:
        for column in COLUMNS:
            if column.required and not raw.get(column.field):
                fail(column.field, _("“%(column)s”不能为空。") % {"column": self.columns.header_of(column.field)})

    def _texts(self, raw: dict[str, str], fields: dict[str, Any], fail: Fail) -> None:
        for name, limit in _TEXT_LIMITS.items():
            value = raw.get(name)
            if value is None:
                continue
            if len(value) > limit:
                column = self.columns.header_of(name)
                fail(name, _("“%(column)s”不能超过 %(limit)s 个字。") % {"column": column, "limit": limit})
            elif value or name != "ethnicity":  # an empty 民族 keeps the record's (汉族 when new)
                fields[name] = value

    def _national_id(self, raw: dict[str, str], fields: dict[str, Any], fail: Fail) -> None:
        """A full number (checked by validation.clean_national_id), or a masked one that stands
        for exactly one record the uploader manages (``unmask``)."""
        number_text = raw.get("national_id", "")
        if not number_text:
            return
        id_text = value_key(number_text)
        if national_id.is_masked(id_text):
            found = self.unmasked.get((raw.get("name", ""), national_id.normalize(id_text)), [])
            if len(found) == 1:
                fields["national_id"] = found[0]
            else:
                fail(
                    "national_id",
                    _(
                        "身份证号是脱敏号码，在您管理的党员中找不到姓名和号码都相符的唯一档案；"
                        "新建档案或有同名时请填写完整身份证号。"
                    ),
                )
        elif re.search(r"[eE]\+?\d", id_text) and "." in id_text:
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

    @staticmethod
    def _phone(raw: dict[str, str], fields: dict[str, Any], fail: Fail) -> None:
        if "phone" in raw and is_masked_phone(value_key(raw["phone"])):
            fields[MASKED_PHONE] = value_key(raw["phone"])  # the record's number, if it matches (diff)
        elif "phone" in raw:
            try:
                fields["phone"] = clean_phone(nfkc(raw["phone"]))
            except ValidationError as exc:
                for message in exc.messages:
                    fail("phone", message)

    def _choices(self, raw: dict[str, str], fields: dict[str, Any], fail: Fail) -> None:
        for name in ("gender", "category", "status"):
            value = raw.get(name, "")
            if not value:
                continue
            code = self.choices[name].get(_repeated_key(value))
            if code is None:
                fail(
                    name,
                    _("无法识别“%(value)s”，可填：%(choices)s。") % {"value": value, "choices": self.choice_text[name]},
                )
            else:
                fields[name] = code

    def _dates(self, raw: dict[str, str], fields: dict[str, Any], fail: Fail) -> None:
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
            except NoSuchDate as exc:
                fail(name, exc.message())
                continue
            except ValueError:
                fail(name, _("日期格式不正确，应为 YYYY-MM-DD（例如 2001-07-01）。"))
                continue
            if name == RETAINED_SINCE and parsed > self.today:
                column = self.columns.header_of(name)
                fail(name, _("%(field)s不能晚于今天（%(today)s）。") % {"field": column, "today": self.today})
                continue
            fields[name] = parsed

    @staticmethod
    def _identity(fields: dict[str, Any], fail: Fail) -> None:
        """The birth date and gender against the ID number, and taken from it when not given."""
        if "national_id" not in fields:
            return
        number_id = fields["national_id"]
        # The identity rules live in validation.check_identity; asked one field at a time
        # so that each message lands in its own column.
        for message in check_identity(number=number_id, birth_date=fields.get("birth_date"), gender=None):
            fail("birth_date", message)
        for message in check_identity(number=number_id, birth_date=None, gender=fields.get("gender")):
            fail("gender", message)
        fields.setdefault("birth_date", national_id.birth_date(number_id))
        fields.setdefault("gender", national_id.gender(number_id))

    def _record_dates(self, fields: dict[str, Any], fail: Fail) -> None:
        # The record's date rules are the members capability's (validation.py), whatever the way in.
        for name, messages in record_date_errors(fields, today=self.today).items():
            for message in messages:
                fail(name, message)
        joined = fields.get("joined_on")
        retained_since = fields.get(RETAINED_SINCE)
        if retained_since and fields.get("status", Member.Status.RETAINED) != Member.Status.RETAINED:
            fail(RETAINED_SINCE, _("只有党籍状态为“毕业保留组织关系”的党员才填写此列。"))
        elif retained_since and joined and retained_since < joined:
            fail(RETAINED_SINCE, _("保留组织关系起始日期早于入党日期。"))

    def _branch(self, raw: dict[str, str], fields: dict[str, Any], fail: Fail) -> None:
        """An open branch of that name, the only one, that the uploader manages."""
        branch_name = raw.get("branch", "")
        if not branch_name:
            return
        candidates = self.open_branches.get(_repeated_key(branch_name), [])
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
        elif _repeated_key(branch_name) in self.closed_branches:
            fail("branch", _("党支部“%(name)s”已撤销。") % {"name": branch_name})
        else:
            fail("branch", _("找不到名为“%(name)s”的党支部。") % {"name": branch_name})

    def diff(
        self, *, number: int, fields: dict[str, Any], existing: dict[str, Any]
    ) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
        """Changes an existing record would get from this row, or why it may not."""
        errors: list[dict[str, Any]] = []
        current_branch = self.units.get(existing["branch_id"])
        if current_branch is None or not self.scope.covers_unit(current_branch, manage=True):
            # Named only to whoever can see that record; anyone else gets the same refusal as for
            # any number they may not import, which confirms nothing about records out of sight.
            seen = current_branch.name if current_branch and self.scope.covers_unit(current_branch) else None
            message = national_id_taken_message(holder_unit=seen, importing=True)
            errors.append(_error(number, self.columns.header_of("national_id"), message))
            return {}, errors
        if fields.get("name") and name_text(existing["name"]) == fields["name"]:
            fields["name"] = existing["name"]  # a record saved with a padded name keeps it
        elif fields.get("name"):
            errors.append(
                _error(
                    number,
                    self.columns.header_of("name"),
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
                    self.columns.header_of("status"),
                    _("党籍状态不能通过导入变更（档案中为“%(current)s”），请在党员档案中办理状态变更。")
                    % {"current": choice_labels(Member.Status).get(existing["status"], existing["status"])},
                )
            )
        # The stored dates with this row's: what the update would make of the record. Errors of
        # the row alone are already reported (clean); those of the record before are not its own.
        keys = (*DATE_FIELDS, "status")
        merged = {**{name: existing[name] for name in keys}, **{k: v for k, v in fields.items() if k in keys}}
        own = record_date_errors(fields, today=self.today)
        for name, messages in new_date_errors(existing, merged, today=self.today).items():
            column = self.columns.header_of(name)
            errors.extend(_error(number, column, m) for m in messages if m not in own.get(name, []))
        masked_phone = fields.get(MASKED_PHONE)
        if masked_phone is not None and masked_phone != mask("phone", existing["phone"] or ""):
            message = _("手机号是脱敏号码，与档案中的号码不符；要修改请填写完整手机号。")
            errors.append(_error(number, self.columns.header_of("phone"), message))
        if errors:
            return {}, errors
        changes: dict[str, list[Any]] = {}
        for name, value in fields.items():
            if name in ("national_id", MASKED_PHONE):
                continue  # matched by the ID number, so equal; a masked phone keeps the record's
            if name == RETAINED_SINCE:
                # A date recorded replaces the known one; an empty cell clears nothing.
                if value is not None and value != existing[RETAINED_SINCE]:
                    changes[name] = [change_display(name, existing[RETAINED_SINCE]), change_display(name, value)]
                continue
            if name == "branch":
                if value.pk != existing["branch_id"]:
                    changes[name] = [change_display(name, current_branch), change_display(name, value)]
            elif existing[name] != value:
                changes[name] = [change_display(name, existing[name]), change_display(name, value)]
        return changes, errors
