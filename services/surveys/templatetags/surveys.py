"""Template filters of the survey pages: the answer form's field for a question or a section."""

from __future__ import annotations

from typing import Any

from django import template

from ..inputs import comment_key, question_key

register = template.Library()


@register.filter
def field_for(form: Any, question: Any) -> Any:
    return form.bound(question_key(question.pk))


@register.filter
def comment_for(form: Any, section: Any) -> Any:
    return form.bound(comment_key(section.pk))
