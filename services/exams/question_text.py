"""A question as people type it (the form, the .xlsx columns): options one per line, the correct
options as letters ("A", "A,C"; 对/错 for true/false), accepted blanks separated by "|", tags by
commas. Read into a ``bank.QuestionInput``; written back the same way, so an export re-imports."""

from __future__ import annotations

import re
from typing import Any

from .bank import Kind, QuestionInput

LETTERS = "ABCDEFGH"
_SPLIT = re.compile(r"[,，、;；\s]+")
TRUE_WORDS = {"对", "正确", "是", "√", "T", "TRUE", "Y", "A"}
FALSE_WORDS = {"错", "错误", "否", "×", "F", "FALSE", "N", "B"}
KIND_WORDS = {
    "单选": Kind.SINGLE,
    "单选题": Kind.SINGLE,
    "多选": Kind.MULTIPLE,
    "多选题": Kind.MULTIPLE,
    "判断": Kind.TRUE_FALSE,
    "判断题": Kind.TRUE_FALSE,
    "填空": Kind.BLANK,
    "填空题": Kind.BLANK,
    "简答": Kind.SHORT,
    "简答题": Kind.SHORT,
}


def kind_parse(text: str) -> str:
    text = (text or "").strip()
    return KIND_WORDS.get(text, text)


def answer_parse(kind: str, text: str) -> tuple[Any, ...]:
    """The answer column as the input's answer: option indices, or accepted texts. A letter
    outside A–H is kept as -1, which ``question_problems`` refuses."""
    text = (text or "").strip()
    if kind == Kind.BLANK:
        return tuple(part.strip() for part in text.split("|") if part.strip())
    if kind == Kind.SHORT:
        return ()
    if kind == Kind.TRUE_FALSE:
        word = text.upper()
        return (0,) if word in TRUE_WORDS else (1,) if word in FALSE_WORDS else ()
    letters = [p for p in _SPLIT.split(text.upper()) if p]
    if len(letters) == 1 and len(letters[0]) > 1:
        letters = list(letters[0])
    return tuple(LETTERS.index(letter) if letter in LETTERS and letter else -1 for letter in letters)


def answer_text(kind: str, answer: list[Any]) -> str:
    if kind == Kind.BLANK:
        return "|".join(str(a) for a in answer)
    if kind == Kind.TRUE_FALSE:
        return "对" if answer == [0] else "错"
    return ",".join(LETTERS[i] for i in answer if isinstance(i, int) and 0 <= i < len(LETTERS))


def tags_parse(text: str) -> tuple[str, ...]:
    return tuple(p for p in _SPLIT.split(text or "") if p)


def question_input(
    *, kind: str, text: str, options: list[str], answer: str, reference: str = "", explanation: str = "",
    category: str = "", tags: str = "", difficulty: int = 3,
) -> QuestionInput:  # fmt: skip
    kind = kind_parse(kind)
    return QuestionInput(
        kind=kind,
        text=text or "",
        options=tuple(o for o in options if o),
        answer=answer_parse(kind, answer),
        reference=reference or "",
        explanation=explanation or "",
        category=category or "",
        tags=tags_parse(tags),
        difficulty=difficulty,
    )
