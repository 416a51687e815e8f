"""A published disclosure as PDF (A4): the unit's year — collection, totals by category, use —
from the frozen snapshot, so the PDF says what the members were shown.

Text is set in reportlab's built-in CID font STSong-Light (no font file to ship), wrapped the CJK
way, as the meeting records (services/orglife/pdf.py)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .disclosure_models import Disclosure

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=_font(), fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=24, alignment=1, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12.5, leading=20, spaceBefore=8, spaceAfter=2),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=9, leading=13, textColor="#555555"),
    }


def _table(rows: list[list[str]], style: ParagraphStyle) -> Table:
    table = Table([[Paragraph(escape(cell), style) for cell in row] for row in rows], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#999999"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _story(snap: dict[str, Any], disclosure: Disclosure, p: dict[str, ParagraphStyle]) -> list[Flowable]:
    c = snap["collection"]
    title = _("%(unit)s %(year)s 年度党费收缴使用情况") % {"unit": snap["unit"], "year": snap["year"]}
    story: list[Flowable] = [Paragraph(escape(title), p["title"]), Paragraph(escape(_("一、收缴情况")), p["h2"])]
    story.append(
        _table(
            [
                [_("应交（元）"), _("减免（元）"), _("实交（元）"), _("收缴率")],
                [c["billed"], c["reduced"], c["paid"], f"{c['rate']}%" if c["rate"] is not None else "—"],
            ],
            p["body"],
        )
    )
    story.append(Paragraph(escape(_("二、按交纳类别")), p["h2"]))
    rows = [[_("类别"), _("应交笔数"), _("应交（元）")]]
    rows += [[row["label"], str(row["bills"]), row["billed"]] for row in snap["categories"]]
    story.append(_table(rows, p["body"]))
    story.append(Paragraph(escape(_("三、使用情况")), p["h2"]))
    rows = [[_("日期"), _("用途"), _("摘要"), _("金额（元）"), _("凭证号")]]
    rows += [
        [line["spent_on"], line["purpose_label"], line["description"], line["amount"], line["voucher"]]
        for line in snap["use"]["lines"]
    ]
    rows.append([_("合计"), "", "", snap["use"]["total"], ""])
    story.append(_table(rows, p["body"]))
    story.append(Spacer(1, 6 * mm))
    published = timezone.localtime(disclosure.published_at).strftime("%Y-%m-%d %H:%M")
    story.append(Paragraph(escape(_("公开时间：%(when)s") % {"when": published}), p["note"]))
    return story


def disclosure_pdf(disclosure: Disclosure) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm
    )
    doc.build(_story(disclosure.snapshot, disclosure, _styles()))
    return buffer.getvalue()
