"""The dashboard's views as files: any view as an .xlsx workbook (one sheet per section) and the
page as a PDF (A4 landscape, reportlab's built-in CID font as services/dues/pdf.py). A section is
a title, its header row and its rows, already the text the page shows ("< 5" for a suppressed
cell): the files never hold more than the page."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.rules.display import rule_citation, rule_source, rule_title, rule_value

from .dashboard import ALL, MONTHLY, TABLE, Cell, GroupRow, SchoolPage, label
from .drilldown import Drilldown

FONT = "STSong-Light"
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Section:
    title: str
    header: list[str]
    rows: list[list[str | int | Cell]]


def _value(value: str | int | Cell) -> str | int:
    """A cell as the workbook holds it: a number where the page shows one, else its text."""
    if isinstance(value, Cell):
        return value.value if value.value is not None else value.text
    return value


def workbook(sections: list[Section]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for i, section in enumerate(sections):
        name = SHEET_NAME.sub(" ", section.title)[:28] or f"Sheet{i + 1}"
        sheet = book.create_sheet(f"{i + 1}.{name}"[:31])
        sheet.append(section.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append([_value(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _text(value: str | int | Cell) -> str:
    return value.text if isinstance(value, Cell) else str(value)


def pdf(title: str, sections: list[Section], note: str = "") -> bytes:
    base = ParagraphStyle("body", fontName=_font(), fontSize=8, leading=11, wordWrap="CJK")
    heading = ParagraphStyle("h1", parent=base, fontSize=14, leading=20, alignment=1, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=base, fontSize=11, leading=16, spaceBefore=6, spaceAfter=2)
    story: list[Flowable] = [Paragraph(escape(title), heading)]
    if note:
        story.append(Paragraph(escape(note), base))
    for section in sections:
        story.append(Paragraph(escape(section.title), h2))
        rows = [section.header, *[[_text(v) for v in row] for row in section.rows]]
        table = Table([[Paragraph(escape(str(c)), base) for c in row] for row in rows], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, "#999999"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
        story.append(Spacer(1, 3 * mm))
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm
    ).build(story)
    return out.getvalue()


def _labels(metrics: tuple[str, ...]) -> list[str]:
    return [label(m) for m in metrics]


def school_sections(
    *, page: SchoolPage, group_rows: list[GroupRow], total: GroupRow, monthly: dict[str, list[Cell]], by_label: str
) -> list[Section]:
    """The console page's sections: the schools of the page, the groups with their total, the months."""
    rank = [str(_("名次"))] if page.ranked else []
    schools = Section(
        str(_("各校指标")),
        [*rank, str(_("学校")), str(_("代码")), str(_("类型")), str(_("地区")), *_labels(TABLE)],
        [
            [
                *([row.rank or ""] if page.ranked else []),
                row.institution.name,
                row.institution.code,
                str(row.institution.get_kind_display()),
                row.institution.region,
                *row.columns(),
            ]
            for row in page.rows
        ],
    )
    grouped = Section(
        by_label,
        [by_label, *_labels(TABLE)],
        [[g.label, *g.columns()] for g in [*group_rows, total]],
    )
    months = Section(
        str(_("按月趋势")),
        [str(_("月份")), *_labels(MONTHLY)],
        [[f"{m + 1:02d}", *[monthly[metric][m] for metric in MONTHLY]] for m in range(12)],
    )
    return [schools, grouped, months]


def drilldown_sections(*, drill: Drilldown) -> list[Section]:
    header = [str(_("组织（编号）")), str(_("类型")), *_labels(ALL)]
    rows: list[list[str | int | Cell]] = []
    if drill.unit is not None:
        rows.append([drill.unit.path, drill.unit.kind, *drill.unit.columns(ALL)])
    rows += [[u.path, u.kind, *u.columns(ALL)] for u in drill.children]
    sections = [Section(str(_("下级组织")), header, rows)]
    if drill.rules:
        basis = [str(_("指标")), str(_("规则")), str(_("取值")), str(_("来源")), str(_("施行日期")), str(_("依据"))]
        sections.append(
            Section(
                str(_("计算依据")),
                basis,
                [
                    [
                        item.label,
                        rule_title(rule),
                        rule_value(rule),
                        rule_source(rule),
                        str(rule.get("effective_from", "")),
                        rule_citation(rule),
                    ]
                    for item in drill.rules
                    for rule in item.rules
                ],
            )
        )
    return sections
