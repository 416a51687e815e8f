"""``{% load rules_display %}``: a rule's title and citation in templates, never its key
(``services/rules/display.py``)."""

from __future__ import annotations

from typing import Any

from django import template

from services.rules import display

register = template.Library()


@register.filter
def rule_title(rule: Any) -> str:
    return display.rule_title(rule)


@register.filter
def rule_citation(rule: Any) -> str:
    return display.rule_citation(rule)


@register.filter
def rule_explanation(rule: Any) -> str:
    return display.rule_explanation(rule)


@register.filter
def rule_value(rule: Any) -> str:
    return display.rule_value(rule)
