"""Meeting records as PDF (A4): one meeting (its details, attendance, minutes with the checklist
and each step's record, attachments by name, confirmations, and the addenda beside the original),
or a whole branch's year, one meeting after another.

Text is set in reportlab's built-in CID font STSong-Light (no font file to ship; Chinese readers
supply the glyphs), wrapped the CJK way (a line may break between any two characters).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from .models import Meeting, Minutes

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=24, alignment=1, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12.5, leading=20, spaceBefore=8, spaceAfter=2),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=9, leading=13, textColor="#555555"),
        "addendum": ParagraphStyle("addendum", parent=base, leftIndent=6 * mm, textColor="#8a3b00"),
    }


def _text(value: str) -> str:
    return escape(value or "").replace("\n", "<br/>")


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _names(items: Iterable[Any]) -> str:
    names = [item if isinstance(item, str) else _with_reason(item) for item in items]
    return "、".join(names) if names else _("无")


def _with_reason(row: dict[str, str]) -> str:
    return f"{row['name']}（{row['reason']}）" if row.get("reason") else row["name"]


def _meeting_story(meeting: Meeting, minutes: Minutes | None, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    p = styles
    story: list[Flowable] = [
        Paragraph(_text(f"{meeting.unit.name} {meeting.get_kind_display()}记录"), p["title"]),
        Paragraph(_text(_("主题：%(topic)s") % {"topic": meeting.topic}), p["body"]),
        Paragraph(
            _text(_("时间：%(start)s 至 %(end)s") % {"start": _when(meeting.starts_at), "end": _when(meeting.ends_at)}),
            p["body"],
        ),
        Paragraph(_text(_("地点：%(place)s") % {"place": meeting.place or meeting.online_url or "—"}), p["body"]),
        Paragraph(
            _text(
                _("主持人：%(host)s　记录人：%(recorder)s")
                % {
                    "host": meeting.host.name if meeting.host else "—",
                    "recorder": meeting.recorder.name if meeting.recorder else "—",
                }
            ),
            p["body"],
        ),
    ]
    if meeting.lecturer:
        story.append(Paragraph(_text(_("授课人：%(name)s") % {"name": meeting.lecturer}), p["body"]))
    if minutes is None:
        story.append(Paragraph(_text(_("尚无会议纪要。")), p["note"]))
        return story
    story += _attendance(minutes.attendance, p)
    for section in minutes.sections.order_by("number"):
        story.append(Paragraph(_text(section.title), p["h2"]))
        story.append(Paragraph(_text(section.text or "—"), p["body"]))
    story += _checklist(minutes, p)
    story += _status(minutes, p)
    return story


def _attendance(summary: dict[str, Any], p: dict[str, ParagraphStyle]) -> list[Flowable]:
    lines = [
        _("应到 %(expected)s 人，实到 %(present)s 人，请假 %(excused)s 人，缺席 %(absent)s 人。")
        % {
            "expected": summary.get("expected", 0),
            "present": summary.get("present_count", 0),
            "excused": len(summary.get("excused", [])),
            "absent": len(summary.get("absent", [])),
        },
        _("出席：%(names)s") % {"names": _names(summary.get("present", []))},
        _("请假：%(names)s") % {"names": _names(summary.get("excused", []))},
        _("缺席：%(names)s") % {"names": _names(summary.get("absent", []))},
    ]
    if summary.get("invitees"):
        lines.append(_("列席：%(names)s") % {"names": _names(summary["invitees"])})
    if summary.get("guests"):
        lines.append(_("名单外到会：%(names)s") % {"names": _names(summary["guests"])})
    return [Paragraph(_text(_("出席情况")), p["h2"]), *(Paragraph(_text(line), p["body"]) for line in lines)]


def _checklist(minutes: Minutes, p: dict[str, ParagraphStyle]) -> list[Flowable]:
    steps = list(minutes.steps.prefetch_related("attachments").order_by("number"))
    if not steps:
        return []
    story: list[Flowable] = [Paragraph(_text(_("会议程序")), p["h2"])]
    for step in steps:
        story.append(Paragraph(_text(f"{step.number}. {step.title}"), p["body"]))
        if step.text:
            story.append(Paragraph(_text(step.text), p["addendum"].clone("record", textColor="#000000")))
        for attachment in step.attachments.all():
            story.append(Paragraph(_text(_("附件：%(name)s") % {"name": attachment.filename}), p["note"]))
    loose = [a.filename for a in minutes.attachments.filter(step__isnull=True)]
    if loose:
        story.append(Paragraph(_text(_("其他附件：%(names)s") % {"names": "、".join(loose)}), p["note"]))
    return story


def _status(minutes: Minutes, p: dict[str, ParagraphStyle]) -> list[Flowable]:
    if minutes.finalized:
        state = _("已定稿（%(when)s），主持人确认 %(host)s，记录人确认 %(recorder)s。") % {
            "when": _when(minutes.finalized_at),
            "host": _when(minutes.host_confirmed_at),
            "recorder": _when(minutes.recorder_confirmed_at),
        }
    else:
        state = _("草稿，尚未定稿。")
    story: list[Flowable] = [Spacer(1, 4 * mm), Paragraph(_text(state), p["note"])]
    addenda = list(minutes.addenda.order_by("created_at", "id"))
    if addenda:
        story.append(Paragraph(_text(_("补充说明")), p["h2"]))
        for addendum in addenda:
            head = f"{_when(addendum.created_at)} {addendum.author_name}："
            story.append(Paragraph(_text(head + addendum.text), p["addendum"]))
    return story


def _build(out: IO[bytes], story: list[Flowable], *, title: str) -> None:
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm, title=title
    )
    document.build(story)


def meeting_pdf(meeting: Meeting, minutes: Minutes | None, out: IO[bytes]) -> None:
    """One meeting's record into ``out``."""
    _build(out, _meeting_story(meeting, minutes, _styles()), title=meeting.topic)


def year_pdf(*, unit_name: str, year: int, meetings: list[tuple[Meeting, Minutes | None]], out: IO[bytes]) -> None:
    """A branch's year: a cover line, then each meeting's record on its own pages."""
    styles = _styles()
    title = _("%(unit)s %(year)s 年组织生活记录") % {"unit": unit_name, "year": year}
    story: list[Flowable] = [
        Paragraph(_text(title), styles["title"]),
        Paragraph(_text(_("共 %(count)s 次会议。") % {"count": len(meetings)}), styles["body"]),
    ]
    for meeting, minutes in meetings:
        story.append(PageBreak())
        story += _meeting_story(meeting, minutes, styles)
    _build(out, story, title=title)
