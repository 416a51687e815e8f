"""An indicator system as an .xlsx workbook: export, and import as a new draft. Two sheets:
"设置" (the system's settings, one per row) and "指标" (one node per row, its parent by number).
What is exported imports again unchanged. An import with any problem (a number that is not one,
an unknown parent, a cycle, points that do not add up, an unknown metric) creates nothing and
says every problem with its row."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from services.audit.services import audit_record
from tenants.models import Institution

from . import audit_events, selectors, validation
from .models import IndicatorNode, IndicatorSystem
from .validation import NodeData, Problem, SystemInvalid

SETTINGS_SHEET, NODES_SHEET = "设置", "指标"
HEADER = (
    "编号",
    "上级编号",
    "层级",
    "名称",
    "分值",
    "计分规则",
    "每缺一项扣分",
    "自动指标",
    "达标线(%)",
    "一票否决",
    "评分说明",
)
KIND_BY_LABEL = {label: kind for kind, label in validation.KIND_LABEL.items()}
RULE_LABEL = {
    "per_evidence": "按材料计分",
    "deduction": "缺项扣分",
    "metric_threshold": "指标达标",
    "metric_proportional": "指标按比例",
}
RULE_BY_LABEL = {label: rule for rule, label in RULE_LABEL.items()}
KIND_NAMES = {str(label): value for value, label in Institution.Kind.choices}
YES = ("是", "yes", "true", "1", "y")


def _grades_text(grades: list[list[str]]) -> str:
    return "，".join(f"{label}:{minimum}" for label, minimum in grades)


def grades_from_text(text: str) -> list[list[str]]:
    """ "好:90，较好:80" → [["好", "90"], ["较好", "80"]] (either comma, either colon)."""
    entries = [e.strip() for e in str(text).replace("，", ",").split(",") if e.strip()]
    return [[part.strip() for part in e.replace("：", ":").split(":", 1)] for e in entries]


def export(system: IndicatorSystem) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SETTINGS_SHEET
    kind_label = dict(Institution.Kind.choices).get(system.institution_kind, "")
    for row in (
        ("名称", system.name),
        ("适用学校类型", str(kind_label) if kind_label else "全部"),
        ("适用年度", system.year),
        ("总分", str(system.total_points)),
        ("等次线", _grades_text(system.grades)),
        ("否决后等次", system.veto_grade),
        ("否决后最高得分", "" if system.veto_cap is None else str(system.veto_cap)),
        ("标准化支部最低得分", str(system.standardized_min)),
        ("考评截止日期", system.closes_on.isoformat() if system.closes_on else ""),
    ):
        sheet.append(row)
    nodes = book.create_sheet(NODES_SHEET)
    nodes.append(HEADER)
    numbers: dict[int, str] = {}
    for node, _depth, number in selectors.tree(system):
        numbers[node.pk] = number
        nodes.append(
            (
                number,
                numbers.get(node.parent_id, "") if node.parent_id else "",
                validation.KIND_LABEL[node.kind],
                node.title,
                str(node.points),
                RULE_LABEL.get(node.rule, ""),
                "" if node.deduction is None else str(node.deduction),
                node.metric,
                "" if node.threshold is None else str(node.threshold),
                "是" if node.veto else "",
                node.description,
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _decimal(value: Any, where: str, what: str, problems: list[Problem], *, blank: bool = False) -> Decimal | None:
    text = _text(value)
    if not text:
        return None if blank else Decimal("0")
    try:
        return Decimal(text).quantize(Decimal("0.1"))
    except InvalidOperation:
        problems.append(Problem(where, _("%(w)s“%(v)s”不是数字") % {"w": what, "v": text}))
        return None


def _read_settings(book: Any, problems: list[Problem]) -> dict[str, Any]:
    values = {_text(r[0]): r[1] if len(r) > 1 else None for r in book[SETTINGS_SHEET].iter_rows(values_only=True) if r}
    where = _("“设置”表")
    name = _text(values.get("名称"))
    if not name:
        problems.append(Problem(where, _("缺少名称")))
    kind_text = _text(values.get("适用学校类型"))
    kind = "" if kind_text in ("", "全部") else KIND_NAMES.get(kind_text, kind_text)
    if kind and kind not in Institution.Kind.values:
        problems.append(Problem(where, _("适用学校类型“%(k)s”不认识") % {"k": kind_text}))
    try:
        year = int(_text(values.get("适用年度")))
    except ValueError:
        problems.append(Problem(where, _("适用年度应为四位数字年份")))
        year = 0
    closes_text = _text(values.get("考评截止日期"))[:10]
    closes_on = None
    if closes_text:
        try:
            closes_on = date.fromisoformat(closes_text)
        except ValueError:
            problems.append(Problem(where, _("考评截止日期“%(d)s”应写成 2027-01-31 的形式") % {"d": closes_text}))
    return {
        "closes_on": closes_on,
        "name": name,
        "institution_kind": kind,
        "year": year,
        "total_points": _decimal(values.get("总分"), where, _("总分"), problems) or Decimal("0"),
        "grades": grades_from_text(_text(values.get("等次线"))),
        "veto_grade": _text(values.get("否决后等次")) or "差",
        "veto_cap": _decimal(values.get("否决后最高得分"), where, _("否决后最高得分"), problems, blank=True),
        "standardized_min": _decimal(values.get("标准化支部最低得分"), where, _("标准化支部最低得分"), problems)
        or Decimal("0"),
    }


def _read_nodes(book: Any, problems: list[Problem]) -> tuple[list[NodeData], dict[str, str]]:
    nodes: list[NodeData] = []
    descriptions: dict[str, str] = {}
    seen: set[str] = set()
    for index, row in enumerate(book[NODES_SHEET].iter_rows(min_row=2, values_only=True), start=2):
        cells = [*row, *[None] * len(HEADER)][: len(HEADER)]
        if not any(_text(c) for c in cells):
            continue
        where = _("“指标”表第 %(n)s 行") % {"n": index}
        key = _text(cells[0])
        if not key:
            problems.append(Problem(where, _("缺少编号")))
            continue
        if key in seen:
            problems.append(Problem(where, _("编号“%(k)s”重复") % {"k": key}))
            continue
        seen.add(key)
        kind_text, rule_text = _text(cells[2]), _text(cells[5])
        nodes.append(
            NodeData(
                key=key,
                parent_key=_text(cells[1]) or None,
                kind=KIND_BY_LABEL.get(kind_text, kind_text),
                title=_text(cells[3]),
                points=_decimal(cells[4], where, _("分值"), problems) or Decimal("0"),
                rule=RULE_BY_LABEL.get(rule_text, rule_text),
                deduction=_decimal(cells[6], where, _("每缺一项扣分"), problems, blank=True),
                metric=_text(cells[7]),
                threshold=_decimal(cells[8], where, _("达标线"), problems, blank=True),
                veto=_text(cells[9]).lower() in YES,
                where=where,
            )
        )
        descriptions[key] = _text(cells[10])
    return nodes, descriptions


def import_system(*, upload: IO[bytes], filename: str, acting_user: Any) -> IndicatorSystem:
    """A new draft from the workbook; ``SystemInvalid`` with every problem and nothing created."""
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SystemInvalid([Problem(filename, _("无法读取，请上传 .xlsx 格式的工作簿"))]) from exc
    missing = [name for name in (SETTINGS_SHEET, NODES_SHEET) if name not in book.sheetnames]
    if missing:
        raise SystemInvalid([Problem(filename, _("缺少工作表“%(s)s”") % {"s": "、".join(missing)})])
    problems: list[Problem] = []
    settings = _read_settings(book, problems)
    nodes, descriptions = _read_nodes(book, problems)
    problems += validation.validate(
        nodes,
        total_points=settings["total_points"],
        grades=settings["grades"],
        veto_grade=settings["veto_grade"],
        veto_cap=settings["veto_cap"],
        standardized_min=settings["standardized_min"],
    )
    if problems:
        raise SystemInvalid(problems)
    with transaction.atomic():
        system = IndicatorSystem.objects.create(**settings, created_by=acting_user)
        made: dict[str | int, IndicatorNode] = {}
        pending = list(nodes)
        position: dict[str | int | None, int] = {}
        while pending:  # parents first; validation has ruled out cycles and unknown parents
            rest = []
            for data in pending:
                if data.parent_key is not None and data.parent_key not in made:
                    rest.append(data)
                    continue
                position[data.parent_key] = position.get(data.parent_key, 0) + 1
                made[data.key] = IndicatorNode.objects.create(
                    system=system,
                    parent=made[data.parent_key] if data.parent_key is not None else None,
                    kind=data.kind,
                    title=data.title,
                    description=descriptions.get(str(data.key), ""),
                    points=data.points,
                    rule=data.rule if data.kind == validation.ITEM else "",
                    deduction=data.deduction,
                    metric=data.metric,
                    threshold=data.threshold,
                    veto=data.veto,
                    position=position[data.parent_key],
                )
            pending = rest
        audit_record(
            event=audit_events.SYSTEM_IMPORTED,
            actor=acting_user,
            target=system,
            after={"name": system.name, "year": system.year, "nodes": len(made)},
            detail={"filename": filename},
        )
    return system
