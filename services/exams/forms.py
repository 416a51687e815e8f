"""Forms of the managers' pages: a question as typed (question_text.py reads it) and an exam with
its paper rules, one rule a line ("类别 #标签 题数 分值")."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .bank import QuestionInput
from .models import Question
from .question_text import question_input
from .setup import ExamInput

_RULE = re.compile(
    r"^\s*(?P<category>[^#\d\s][^#]*?)?\s*(?:#(?P<tag>\S+))?\s+(?P<count>\d+)(?:\s+(?P<points>\d+(?:\.\d+)?))?\s*$"
)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("题型"), choices=Question.Kind.choices)
    text = forms.CharField(label=gettext_lazy("题干"), widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(
        label=gettext_lazy("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("选择题每行一个选项，依次为 A、B、C……；判断题不填。"),
    )
    answer = forms.CharField(
        label=gettext_lazy("正确答案"),
        required=False,
        help_text=gettext_lazy("选择题填字母（多选如 A,C）；判断题填“对”或“错”；填空题可接受的答案用“|”分隔。"),
    )
    reference = forms.CharField(
        label=gettext_lazy("参考答案（简答题）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    explanation = forms.CharField(label=gettext_lazy("解析"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.CharField(label=gettext_lazy("类别"), required=False, max_length=50)
    tags = forms.CharField(label=gettext_lazy("标签"), required=False, help_text=gettext_lazy("用逗号分隔。"))
    difficulty = forms.IntegerField(label=gettext_lazy("难度（1–5）"), min_value=1, max_value=5, initial=3)

    def question_input(self) -> QuestionInput:
        data = self.cleaned_data
        return question_input(
            kind=data["kind"],
            text=data["text"],
            options=data["options"].splitlines(),
            answer=data["answer"],
            reference=data["reference"],
            explanation=data["explanation"],
            category=data["category"],
            tags=data["tags"],
            difficulty=data["difficulty"],
        )


def rules_parse(text: str) -> tuple[dict[str, Any], ...]:
    """ "党章 5 2" / "#二十大 3" / "全部 10" → [{"category", "tag", "count", "points"}]."""
    rules = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        found = _RULE.match(line)
        if not found:
            raise ValidationError(_("第 %(line)s 行规则看不懂，请写成“类别 #标签 题数 分值”。") % {"line": number})
        category = (found.group("category") or "").strip()
        rules.append(
            {
                "category": "" if category.casefold() in ("全部", "all") else category,
                "tag": found.group("tag") or "",
                "count": int(found.group("count")),
                "points": found.group("points") or "1",
            }
        )
    return tuple(rules)


def rules_text(rules: list[dict[str, Any]]) -> str:
    lines = []
    for rule in rules:
        head = " ".join(p for p in (rule.get("category") or "", f"#{rule['tag']}" if rule.get("tag") else "") if p)
        lines.append(f"{head or '全部'} {rule.get('count', 1)} {rule.get('points', 1)}")
    return "\n".join(lines)


class ExamForm(forms.Form):
    unit: forms.ModelChoiceField = forms.ModelChoiceField(label=gettext_lazy("组织"), queryset=None)  # type: ignore[arg-type]
    title = forms.CharField(label=gettext_lazy("考试名称"), max_length=100)
    description = forms.CharField(label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    opens_at = forms.DateTimeField(
        label=gettext_lazy("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    time_limit_minutes = forms.IntegerField(label=gettext_lazy("答题时限（分钟）"), min_value=1, initial=30)
    attempts_allowed = forms.IntegerField(label=gettext_lazy("可答次数"), min_value=1, initial=1)
    rules = forms.CharField(
        label=gettext_lazy("组卷规则"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一条：类别 #标签 题数 分值，如“党章 5 2”“#二十大 3 2”“全部 10 1”。"),
    )
    is_contest = forms.BooleanField(label=gettext_lazy("知识竞赛（可自愿上排行榜）"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean_rules(self) -> tuple[dict[str, Any], ...]:
        return rules_parse(self.cleaned_data["rules"])

    def exam_input(self) -> ExamInput:
        data = self.cleaned_data
        return ExamInput(
            title=data["title"],
            description=data["description"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            time_limit_minutes=data["time_limit_minutes"],
            attempts_allowed=data["attempts_allowed"],
            rules=data["rules"],
            is_contest=data["is_contest"],
        )


class MarkForm(forms.Form):
    points = forms.DecimalField(label=gettext_lazy("得分"), min_value=0, decimal_places=2)
    note = forms.CharField(label=gettext_lazy("评语"), required=False, max_length=200)
