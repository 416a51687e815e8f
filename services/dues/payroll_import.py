"""Dues bases from a payroll spreadsheet (工资表导入), on the roster's import engine
(services/members/imports: the same job, preview with row-level errors, error report, one
transaction on the worker that writes every row or none, leases and retries). This module is the
kind ``dues_payroll`` (``kinds.ImportKind``): its columns, the check of a whole sheet and the write.

Columns: 学号/工号 or 身份证号 (who; either, the number first), 姓名 (checked against the record),
交纳类别, 月交纳基数 (empty for the flat categories), 起始月份 (2026-11, 2026年11月, or a date on
the 1st). Each row is checked by the rules of a base typed on the page (bases.base_problems) and
must name a member on the roll whom the uploader manages. A row equal to the base already recorded
for that month is unchanged; another replaces it; the others are created (source "import").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from services.audit.services import audit_record, audit_record_many
from services.crypto import blind_index
from services.members import national_id
from services.members.imports import ImportKind, Sheet, kind_register
from services.members.imports.aliases import accepted_headers, header_key, name_text, value_key
from services.members.models import ImportJob, Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.scope import scope_for

from .audit_events import EVENT_BASE_SET, EVENT_BASES_IMPORTED
from .base_forms import month_parse
from .bases import BaseInput, base_problems, last_closed_month, money_parse
from .models import Base, Category

KIND = "dues_payroll"
SHEET_TITLE = "党费基数"

# field -> (template column, required, other names)
COLUMNS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "number": ("学号/工号", False, accepted_headers("number")[1:]),
    "national_id": ("身份证号", False, accepted_headers("national_id")[1:]),
    "name": ("姓名", True, ("党员姓名",)),
    "category": ("交纳类别", True, ("党费类别", "类别", "交纳党费类别")),
    "monthly_base": ("月交纳基数", True, ("交纳基数", "党费基数", "月基数", "基数", "税后月工资", "月交纳基数(元)")),
    "starts_on": ("起始月份", True, ("起始月", "生效月份", "开始月份", "执行月份")),
}
HEADERS: dict[str, str] = {
    header_key(name): field_name
    for field_name, (header, _required, others) in COLUMNS.items()
    for name in (header, *others)
}
# Other words for a category, as payroll offices write them.
CATEGORY_WORDS: dict[str, str] = {
    "在职": Category.EMPLOYED,
    "在职职工": Category.EMPLOYED,
    "在职人员": Category.EMPLOYED,
    "年薪制": Category.ANNUAL_SALARY,
    "自主经营": Category.SELF_EMPLOYED,
    "离退休": Category.RETIREE,
    "离休": Category.RETIREE,
    "退休": Category.RETIREE,
    "离退休人员": Category.RETIREE,
    "学生": Category.STUDENT,
    "下岗失业": Category.UNEMPLOYED,
    "失业": Category.UNEMPLOYED,
    "低保": Category.RELIEF,
    "依靠最低生活保障": Category.RELIEF,
}
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def column_label(field_name: str) -> str:
    return COLUMNS[field_name][0] if field_name in COLUMNS else ""


def _category_lookup() -> dict[str, str]:
    from django.utils import translation

    with translation.override("zh-hans"):
        lookup = {value_key(str(label)): str(value) for value, label in Category.choices}
    lookup.update({value_key(str(value)): str(value) for value in Category.values})
    lookup.update({value_key(word): str(value) for word, value in CATEGORY_WORDS.items()})
    return lookup


def _month_of(text: str) -> date:
    """起始月份 as typed, or a date cell (read as 2026-11-01): the first of that month; another day
    is kept as it is, for the rules of a base to refuse."""
    found = _ISO_DAY.match(text.strip())
    if found:
        try:
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            raise ValidationError(_("请按“2026-11”的格式填写起始月份。")) from None
    return month_parse(text)


@dataclass
class PayrollPlan:
    errors: list[dict[str, Any]] = field(default_factory=list)
    columns: list[dict[str, str]] = field(default_factory=list)
    creates: list[Base] = field(default_factory=list)
    updates: list[Base] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0


@dataclass
class _Context:
    positions: dict[str, int]
    headers: list[str]
    by_number: dict[str, list[Member]]
    by_index: dict[str, Member]
    existing: dict[tuple[int, date], Base]
    closed_through: date | None
    categories: dict[str, str]
    seen: dict[tuple[int, date], int] = field(default_factory=dict)


def _error(row: int | None, column: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "message": message}


def _map_columns(sheet: Sheet, plan: PayrollPlan) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        field_name = HEADERS.get(header)
        if header:
            plan.columns.append({"column": header, "field": field_name or ""})
        if field_name is not None:
            positions.setdefault(field_name, index)
    missing = [COLUMNS[name][0] for name, (_h, required, _o) in COLUMNS.items() if required and name not in positions]
    if "number" not in positions and "national_id" not in positions:
        missing.insert(0, _("学号/工号或身份证号"))
    if missing:
        plan.errors.append(_error(None, "", _("缺少必填列：%(columns)s。") % {"columns": "、".join(missing)}))
    return positions


def _cell(cells: list[str], context: _Context, name: str) -> str:
    index = context.positions.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _load(sheet: Sheet, positions: dict[str, int], acting_user: Any, lock: bool) -> _Context:
    numbers = {value_key(cells[positions["number"]]) for _n, cells in sheet.rows} if "number" in positions else set()
    indexes: set[str] = set()
    if "national_id" in positions:
        for _n, cells in sheet.rows:
            typed = national_id.normalize(value_key(cells[positions["national_id"]]))
            if typed and national_id.is_valid(typed):
                indexes.add(blind_index(typed))
    members = Member.objects.filter(scope_for(acting_user).members_q(manage=True)).filter(
        Q(number__in=numbers - {""}) | Q(national_id_index__in=indexes)
    )
    if lock:
        members = members.select_for_update(of=("self",))
    found = list(members.only("pk", "name", "number", "national_id_index", "status", "branch_id"))
    by_number: dict[str, list[Member]] = {}
    for member in found:
        by_number.setdefault(value_key(member.number), []).append(member)
    existing = {(base.member_id, base.starts_on): base for base in Base.objects.filter(member__in=found)}
    return _Context(
        positions=positions,
        headers=list(sheet.headers),
        by_number=by_number,
        by_index={member.national_id_index: member for member in found},
        existing=existing,
        closed_through=last_closed_month(),
        categories=_category_lookup(),
    )


def _header(context: _Context, name: str) -> str:
    index = context.positions.get(name)
    return context.headers[index] if index is not None else column_label(name)


def _who(number: int, cells: list[str], context: _Context, plan: PayrollPlan) -> Member | None:
    typed_number = value_key(_cell(cells, context, "number"))
    typed_id = national_id.normalize(value_key(_cell(cells, context, "national_id")))
    member: Member | None = None
    if typed_number:
        matches = context.by_number.get(typed_number, [])
        if len(matches) > 1:
            message = _("该学号/工号对应多名党员，请改用身份证号。")
            plan.errors.append(_error(number, _header(context, "number"), message))
            return None
        member = matches[0] if matches else None
        column = _header(context, "number")
    elif typed_id:
        if not national_id.is_valid(typed_id):
            plan.errors.append(_error(number, _header(context, "national_id"), _("身份证号不正确。")))
            return None
        member = context.by_index.get(blind_index(typed_id))
        column = _header(context, "national_id")
    else:
        plan.errors.append(_error(number, "", _("请填写学号/工号或身份证号。")))
        return None
    if member is None:
        plan.errors.append(_error(number, column, _("找不到该党员，或其不在您管理的党组织中。")))
        return None
    typed_name = name_text(_cell(cells, context, "name"))
    if typed_name != member.name:
        message = _("姓名“%(typed)s”与档案中的姓名“%(name)s”不一致。") % {"typed": typed_name, "name": member.name}
        plan.errors.append(_error(number, _header(context, "name"), message))
        return None
    if member.status in OFF_ROLL_STATUSES:
        message = _("%(name)s 已不在党员名册中，不能设置党费基数。") % {"name": member.name}
        plan.errors.append(_error(number, column, message))
        return None
    return member


def _values(number: int, cells: list[str], context: _Context, plan: PayrollPlan) -> BaseInput | None:
    before = len(plan.errors)
    category = context.categories.get(value_key(_cell(cells, context, "category")), "")
    if not category:
        message = _("无法识别交纳类别，可填：%(labels)s。") % {"labels": "、".join(str(c.label) for c in Category)}
        plan.errors.append(_error(number, _header(context, "category"), message))
    amount: Decimal | None = None
    try:
        typed = _cell(cells, context, "monthly_base")
        amount = money_parse(typed) if typed else None
    except ValidationError as exc:
        plan.errors.append(_error(number, _header(context, "monthly_base"), exc.messages[0]))
    starts_on = None
    try:
        starts_on = _month_of(_cell(cells, context, "starts_on"))
    except ValidationError as exc:
        plan.errors.append(_error(number, _header(context, "starts_on"), exc.messages[0]))
    if len(plan.errors) > before or starts_on is None:
        return None
    data = BaseInput(category=category, monthly_base=amount, starts_on=starts_on)
    problems = base_problems(data, closed_through=context.closed_through)
    for name, message in problems.items():
        plan.errors.append(_error(number, _header(context, name), message))
    return None if problems else data


def payroll_check(*, sheet: Sheet, acting_user: Any, lock: bool = False) -> PayrollPlan:
    """Every row of a payroll sheet against the database (see the module docstring)."""
    plan = PayrollPlan(rows=len(sheet.rows))
    positions = _map_columns(sheet, plan)
    if plan.errors:
        return plan
    if not sheet.rows:
        plan.errors.append(_error(None, "", _("文件中没有数据行。")))
        return plan
    context = _load(sheet, positions, acting_user, lock)
    for number, cells in sheet.rows:
        member = _who(number, cells, context, plan)
        data = _values(number, cells, context, plan)
        if member is None or data is None:
            continue
        key = (member.pk, data.starts_on)
        if key in context.seen:
            message = _("与第 %(row)s 行重复：同一党员同一起始月份只能有一行。") % {"row": context.seen[key]}
            plan.errors.append(_error(number, _header(context, "starts_on"), message))
            continue
        context.seen[key] = number
        _plan_row(plan, context, member, data)
    return plan


def _plan_row(plan: PayrollPlan, context: _Context, member: Member, data: BaseInput) -> None:
    known = context.existing.get((member.pk, data.starts_on))
    if known is None:
        plan.creates.append(
            Base(member=member, category=data.category, monthly_base=data.monthly_base, starts_on=data.starts_on)
        )
    elif (known.category, known.monthly_base) == (data.category, data.monthly_base):
        plan.unchanged += 1
    else:
        known.category, known.monthly_base = data.category, data.monthly_base
        plan.updates.append(known)


def payroll_write(job: ImportJob, plan: PayrollPlan) -> None:
    """Inside the commit's transaction: the new and changed bases, an audit row per member and one
    for the import."""
    note = _("工资表导入：%(file)s") % {"file": job.filename}
    for base in [*plan.creates, *plan.updates]:
        base.source, base.note, base.created_by = Base.Source.IMPORT, note[:200], job.created_by
    Base.objects.bulk_create(plan.creates, batch_size=2000)
    Base.objects.bulk_update(
        plan.updates, ["category", "monthly_base", "source", "note", "created_by"], batch_size=2000
    )
    changed = [*plan.creates, *plan.updates]
    if changed:
        audit_record_many(
            event=EVENT_BASE_SET,
            acting_user=job.created_by,
            targets=[("dues.base", base.pk) for base in changed],
            detail={"import": str(job.pk)},
            per_target={
                base.pk: {
                    "member": base.member_id,
                    "after": {
                        "category": base.category,
                        "monthly_base": None if base.monthly_base is None else str(base.monthly_base),
                        "starts_on": base.starts_on.isoformat(),
                        "source": base.source,
                    },
                }
                for base in changed
            },
        )
    audit_record(
        event=EVENT_BASES_IMPORTED,
        actor=job.created_by,
        target=job,
        detail={
            "filename": job.filename,
            "rows": plan.rows,
            "created": len(plan.creates),
            "updated": len(plan.updates),
            "unchanged": plan.unchanged,
        },
    )


def payroll_template_write(*, out: IO[bytes]) -> None:
    """The payroll template: the header row (number-like columns as text, a drop-down of the
    categories) and a 说明 sheet."""
    from django.utils import translation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append([header for header, _required, _others in COLUMNS.values()])
    for index, (name, (_header_text, required, _others)) in enumerate(COLUMNS.items(), start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C8161D" if required else "000000")
        sheet.column_dimensions[cell.column_letter].width = 18
        if name != "monthly_base":
            sheet.column_dimensions[cell.column_letter].number_format = "@"
    with translation.override("zh-hans"):
        labels = ",".join(str(label) for label in Category.labels)
    validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=False)
    validation.add("D2:D50001")
    sheet.add_data_validation(validation)
    sheet.append(["T2001001", "", "张三", "在职（按月工资）", "4200.00", "2027-01"])
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("说明")
    help_sheet.append(["列名", "是否必填", "其他可用列名"])
    for header, required, others in COLUMNS.values():
        help_sheet.append([header, "必填" if required else "二选一", "、".join(others)])
    help_sheet.append([])
    help_sheet.append(
        [
            "说明",
            "",
            "学号/工号与身份证号至少填一个（都填时按学号/工号识别）；姓名须与档案一致。"
            "月交纳基数为税后固定月工资（离退休为月退休费），精确到分；学生、下岗失业、依靠最低生活保障的党员不填。"
            "起始月份写作 2027-01，须晚于已结账的月份。任何一行有错误时都不会导入。",
        ]
    )
    workbook.save(out)


PAYROLL = kind_register(
    ImportKind(
        name=KIND,
        headers=HEADERS,
        check=payroll_check,
        write=payroll_write,
        column_label=column_label,
        sheet_title=SHEET_TITLE,
        refusal=gettext_lazy("只有管理党组织的人员才能导入党费基数。"),
    )
)
