"""Moodle GIFT text read into question inputs (docs/exams.md "Import and export").

Read: ``::title::`` (dropped), the text, and the answer block ``{…}``: ``=right ~wrong`` (single
choice), ``~%50%a ~%50%b ~%-100%c`` (multiple choice: the options of positive weight are correct),
``{T}``/``{F}`` (true/false), only ``=`` answers (fill in the blank: the accepted texts), ``{}``
(essay: short answer); ``$CATEGORY: a/b`` sets the category (its last part) of what follows;
``// comments`` and ``#feedback`` are dropped; ``\\`` escapes ``~ = # { } :``. Anything else
(matching, numerical) is an error of its question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .bank import Kind, QuestionInput

_ESCAPED = {"\\~": "\x01", "\\=": "\x02", "\\#": "\x03", "\\{": "\x04", "\\}": "\x05", "\\:": "\x06"}
_BACK = {v: k[1] for k, v in _ESCAPED.items()}
_ITEM = re.compile(r"([=~])(%-?\d+(?:\.\d+)?%)?([^=~]*)")


@dataclass(frozen=True)
class GiftItem:
    line: int  # where the question starts
    data: QuestionInput | None
    error: str = ""


def _protect(text: str) -> str:
    for raw, mark in _ESCAPED.items():
        text = text.replace(raw, mark)
    return text


def _plain(text: str) -> str:
    for mark, char in _BACK.items():
        text = text.replace(mark, char)
    return re.sub(r"\s+", " ", text).strip()


def _blocks(text: str) -> list[tuple[int, str]]:
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):  # a line of its own, whatever follows it
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            blocks.append((number, stripped))
            continue
        if not stripped:
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _answer(body: str) -> tuple[str, tuple[str, ...], tuple[object, ...]] | str:
    """(kind, options, answer) of an answer block, or an error message."""
    body = body.strip()
    if not body:
        return Kind.SHORT, (), ()
    if body.upper() in ("T", "TRUE", "F", "FALSE"):
        return Kind.TRUE_FALSE, (), ((0,) if body.upper().startswith("T") else (1,))
    items = [
        (sign, weight, _plain(re.sub(r"#.*$", "", value, flags=re.S))) for sign, weight, value in _ITEM.findall(body)
    ]
    items = [item for item in items if item[2] or item[0]]
    if not items:
        return _("看不懂答案部分。")
    if all(sign == "=" for sign, _w, _v in items):
        return Kind.BLANK, (), tuple(value for _s, _w, value in items)
    options = tuple(value for _s, _w, value in items)
    weighted = [i for i, (sign, weight, _v) in enumerate(items) if weight and float(weight.strip("%")) > 0]
    if weighted:
        return Kind.MULTIPLE, options, tuple(weighted)
    right = tuple(i for i, (sign, _w, _v) in enumerate(items) if sign == "=")
    return Kind.SINGLE, options, right


def gift_parse(text: str) -> list[GiftItem]:
    found: list[GiftItem] = []
    category = ""
    for start, block in _blocks(_protect(text)):
        head = block.strip()
        if head.startswith("$CATEGORY:"):
            category = head.split(":", 1)[1].strip().split("/")[-1].strip()
            continue
        head = re.sub(r"^::.*?::", "", head, flags=re.S).strip()
        match = re.search(r"\{(.*?)\}", head, flags=re.S)
        if match is None or "->" in match.group(1) or match.group(1).strip().startswith("#"):
            found.append(GiftItem(line=start, data=None, error=_("不支持的题型（只支持选择、判断、填空和简答）。")))
            continue
        question = _plain(
            head[: match.start()] + " ___ " + head[match.end() :]
            if head[match.end() :].strip()
            else head[: match.start()]
        )
        answer = _answer(match.group(1))
        if isinstance(answer, str):
            found.append(GiftItem(line=start, data=None, error=answer))
            continue
        kind, options, correct = answer
        found.append(
            GiftItem(
                line=start,
                data=QuestionInput(kind=kind, text=question, options=options, answer=correct, category=category),
            )
        )
    return found
