"""Forms of the survey pages: the survey's settings, a section, a question (options one per line),
and the answer form built from the survey's questions (used to show it and its errors; the
service reads the submission from the POST itself, so a forged id reaches it and is refused)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .answering import RATING_MAX
from .inputs import comment_key, question_key
from .models import Question, Survey


class DateInput(forms.DateInput):
    input_type = "date"


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    intro = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    mode = forms.ChoiceField(
        label=_("方式"),
        choices=Survey.Mode.choices,
        widget=forms.RadioSelect,
        help_text=_("匿名问卷不记录谁答了什么；实名征求意见按部分收集署名意见。发布后不能更改。"),
    )
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("组织"), queryset=None, empty_label=None)
    include_subunits = forms.BooleanField(label=_("包括下级组织"), required=False, initial=True)
    roles = forms.MultipleChoiceField(
        label=_("对象"), choices=Survey.Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    opens_on = forms.DateField(label=_("开始日期"), widget=DateInput)
    closes_on = forms.DateField(label=_("截止日期"), widget=DateInput)

    def __init__(self, *args: Any, units: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class SectionForm(forms.Form):
    title = forms.CharField(label=_("部分标题"), max_length=120)
    body = forms.CharField(
        label=_("正文（征求意见稿的这一部分，可不填）"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("题目"), max_length=300)
    options = forms.CharField(
        label=_("选项（每行一个，选择题用）"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)

    def option_lines(self) -> list[str]:
        return str(self.cleaned_data.get("options") or "").splitlines()


class AnswerForm(forms.Form):
    """One field per question (``q<id>``) and, in named mode, one comment per section (``c<id>``).
    Every field is optional here: what is required is the service's to say."""

    def __init__(self, *args: Any, survey: Survey, sections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in sections:
            for question in section.questions.all():
                self.fields[question_key(question.pk)] = _field(question)
            if not survey.anonymous:
                self.fields[comment_key(section.pk)] = forms.CharField(
                    label=_("对这一部分的意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False
                )

    def bound(self, key: str) -> Any:
        return self[key] if key in self.fields else None


def _field(question: Question) -> forms.Field:
    label = question.text + ("" if question.required else str(_("（选答）")))
    if question.kind == Question.Kind.SINGLE:
        choices = [(o.pk, o.text) for o in question.options.all()]
        return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=False)
    if question.kind == Question.Kind.MULTIPLE:
        choices = [(o.pk, o.text) for o in question.options.all()]
        return forms.MultipleChoiceField(
            label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
        )
    if question.kind == Question.Kind.RATING:
        choices = [(n, str(n)) for n in range(1, RATING_MAX + 1)]
        return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=False)
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), required=False)
