"""Forms of the indicator-system editor (console/standards_views.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.metrics import registry
from tenants.models import Institution

from .models import IndicatorNode, IndicatorSystem
from .validation import parse_grades
from .workbook import grades_from_text

KIND_CHOICES = [("", _("全部学校")), *Institution.Kind.choices]


class SystemCreateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    institution_kind = forms.ChoiceField(label=_("适用学校类型"), choices=KIND_CHOICES, required=False)
    year = forms.IntegerField(label=_("适用年度"), min_value=2000, max_value=2100)


class SystemSettingsForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    institution_kind = forms.ChoiceField(label=_("适用学校类型"), choices=KIND_CHOICES, required=False)
    year = forms.IntegerField(label=_("适用年度"), min_value=2000, max_value=2100)
    total_points = forms.DecimalField(label=_("总分"), min_value=Decimal("0.1"), max_digits=6, decimal_places=1)
    grades = forms.CharField(
        label=_("等次线"), help_text=_("从高到低，如：好:90，较好:80，一般:60，差:0"), max_length=300
    )
    veto_grade = forms.CharField(label=_("否决后等次"), max_length=10)
    veto_cap = forms.DecimalField(
        label=_("否决后最高得分"), required=False, min_value=Decimal("0"), max_digits=6, decimal_places=1,
        help_text=_("留空则只降等次，不封顶得分"),
    )  # fmt: skip
    standardized_min = forms.DecimalField(
        label=_("标准化支部最低得分"), min_value=Decimal("0"), max_digits=6, decimal_places=1
    )

    closes_on = forms.DateField(
        label=_("考评截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("此日之后不能再提交、审核或退回本年度的考评"),
    )  # fmt: skip

    @classmethod
    def for_system(cls, system: IndicatorSystem, data: Any = None) -> SystemSettingsForm:
        initial = {f: getattr(system, f) for f in ("name", "institution_kind", "year", "total_points", "veto_grade")}
        initial["closes_on"] = system.closes_on
        initial |= {"veto_cap": system.veto_cap, "standardized_min": system.standardized_min}
        initial["grades"] = "，".join(f"{label}:{minimum}" for label, minimum in system.grades)
        return cls(data, initial=initial)

    def clean_grades(self) -> list[list[str]]:
        grades = grades_from_text(self.cleaned_data["grades"])
        _parsed, problems = parse_grades(grades)
        if problems:
            raise forms.ValidationError([p.message for p in problems])
        return grades


class NodeForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    points = forms.DecimalField(
        label=_("分值"), min_value=Decimal("0"), max_digits=6, decimal_places=1, initial=Decimal("0")
    )
    description = forms.CharField(label=_("评分说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    rule = forms.ChoiceField(label=_("计分规则"), choices=[("", "—"), *IndicatorNode.Rule.choices], required=False)
    deduction = forms.DecimalField(
        label=_("每缺一项扣分"), required=False, min_value=Decimal("0"), max_digits=6, decimal_places=1
    )
    metric = forms.ChoiceField(label=_("自动指标"), required=False)
    threshold = forms.DecimalField(
        label=_("达标线（%）"), required=False, min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=1
    )
    veto = forms.BooleanField(label=_("一票否决"), required=False)

    ITEM_ONLY = ("rule", "deduction", "metric", "threshold", "veto")

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        metric = self.fields["metric"]
        assert isinstance(metric, forms.ChoiceField)
        metric.choices = [("", "—")] + [
            (name, f"{m.label}（{name}）") for name, m in registry.METRICS.items() if m.kind == registry.RATE
        ]  # a count is no percentage to hold against a threshold
        if kind != IndicatorNode.Kind.ITEM:
            for name in self.ITEM_ONLY:
                del self.fields[name]

    @classmethod
    def for_node(cls, node: IndicatorNode, data: Any = None) -> NodeForm:
        form = cls(data, kind=node.kind, prefix=f"n{node.pk}")
        for name in form.fields:
            form.fields[name].initial = getattr(node, name)
        return form

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if self.kind == IndicatorNode.Kind.ITEM and data.get("rule") in ("per_evidence", "deduction"):
            data["metric"], data["threshold"] = "", None
        return data
