"""The introduction letter (组织关系介绍信) for a transfer out of the platform, as a PDF.

Drawn with reportlab and its built-in CID font STSong-Light (no font file to ship). The letter
carries what the receiving organization legally needs: the person's name, gender, age,
ethnicity, national ID number, membership kind, the sending and receiving organizations, the
validity with the rule that set it, and a receipt stub (回执) to tear off and send back.

The letter is an official document in Chinese whatever the interface language of the person who
issues it: its text is not translated (gettext), and choice labels are read in Chinese.
"""

from __future__ import annotations

import io
from datetime import date

from django.utils import translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from services.members.models import Member

from .models import Transfer

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _cn(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def letter_pdf(*, transfer: Transfer, member: Member, institution_name: str, validity_days: int) -> bytes:
    """The letter and its stub on one A4 page."""
    with translation.override("zh-hans"):
        return _draw(transfer=transfer, member=member, institution_name=institution_name, validity_days=validity_days)


def _draw(*, transfer: Transfer, member: Member, institution_name: str, validity_days: int) -> bytes:
    font = _font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(f"组织关系介绍信 {transfer.number}")
    width, height = A4
    left = 25 * mm
    y = height - 30 * mm

    def line(text: str, size: float = 12, gap: float = 8 * mm, x: float = left) -> None:
        nonlocal y
        pdf.setFont(font, size)
        pdf.drawString(x, y, text)
        y -= gap

    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, y, "中国共产党党员组织关系介绍信")
    y -= 10 * mm
    line(f"编号：{transfer.number}", 11)
    line(f"{transfer.to_organization}：", 12, 10 * mm)
    kind = "预备党员" if member.status == Member.Status.PROBATIONARY else "正式党员"
    gender = str(member.get_gender_display())
    line(
        f"    {member.name}同志（{gender}，{_age(member.birth_date, transfer.issued_on)}岁，{member.ethnicity}），"
        f"系中共{kind}，",
    )
    line(f"身份证号码：{member.national_id}，")
    line(f"由{institution_name}{transfer.from_branch.name}")
    line(f"转到{transfer.to_organization}，请接转组织关系。")
    line(f"转接原因：{transfer.reason}")
    line(f"（有效期{validity_days}天，至{_cn(transfer.valid_until)}止）", 11, 6 * mm)
    pdf.setFont(font, 8)
    pdf.drawString(left, y, f"有效期依据：{transfer.validity_rule}"[:110])
    y -= 12 * mm
    line(f"中共{institution_name}委员会（盖章）", 12, 8 * mm, x=width / 2)
    line(_cn(transfer.issued_on), 12, 14 * mm, x=width / 2)

    pdf.setDash(4, 3)
    pdf.line(left - 10 * mm, y, width - 15 * mm, y)
    pdf.setDash()
    y -= 6 * mm
    line("（沿虚线剪下，接收党组织填写后寄回）", 8, 10 * mm)
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, y, "回  执")
    y -= 10 * mm
    line(f"编号：{transfer.number}", 11)
    line(f"中共{institution_name}委员会：", 12, 10 * mm)
    line(f"    {member.name}同志的党员组织关系已转达我处，特此回复。")
    y -= 6 * mm
    line("接收党组织（盖章）：", 12, 8 * mm, x=width / 2)
    line("年    月    日", 12, 8 * mm, x=width / 2 + 20 * mm)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
