"""A submission as the page and the API read it (``Submission``), and the names of its parts, so a
refusal is keyed the same for both: ``q<question id>`` and ``c<section id>``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 2000


def question_key(question_id: int) -> str:
    return f"q{question_id}"


def comment_key(section_id: int) -> str:
    return f"c{section_id}"


@dataclass(frozen=True)
class Submission:
    """``answers``: question id → option ids (choice), a whole number (rating) or a text;
    ``comments``: section id → text (named mode). Ids are as sent: the service checks them."""

    answers: Mapping[int, Any] = field(default_factory=dict)
    comments: Mapping[int, str] = field(default_factory=dict)


def _as_id(raw: Any) -> int | None:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None


def submission_from_post(data: Any) -> Submission:
    """The answer page's POST: ``q<id>`` (repeated for multiple choice) and ``c<id>``. A key that
    is not a number is kept as -1, so that the service refuses it as a forged question."""
    answers: dict[int, Any] = {}
    comments: dict[int, str] = {}
    for key in data:
        if key.startswith("q"):
            values = [v for v in data.getlist(key) if str(v).strip() != ""]
            if values:
                answers[_as_id(key[1:]) or -1] = values if len(values) > 1 else values[0]
        elif key.startswith("c") and str(data.get(key, "")).strip():
            comments[_as_id(key[1:]) or -1] = str(data.get(key))
    return Submission(answers=answers, comments=comments)


def submission_from_json(answers: Mapping[str, Any], comments: Mapping[str, str]) -> Submission:
    return Submission(
        answers={(_as_id(k) or -1): v for k, v in answers.items()},
        comments={(_as_id(k) or -1): v for k, v in comments.items() if str(v).strip()},
    )
