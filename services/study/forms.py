"""The forms of study's pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Material, Plan


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("培训名称"), max_length=100)
    organizer = forms.CharField(label=_("举办单位"), max_length=100)
    finished_on = forms.DateField(label=_("结业日期"), widget=forms.DateInput(attrs={"type": "date"}))
    class_hours = forms.IntegerField(label=_("学时"), min_value=1, max_value=200)
    certificate = forms.FileField(label=_("结业证书（PDF 或 JPG、PNG 图片，不超过 10 MB）"))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("认定")), ("return", _("退回"))], label=_("审核结果"))
    note = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class CourseForm(forms.Form):
    title = forms.CharField(label=_("课程名称"), max_length=100)
    description = forms.CharField(label=_("课程简介"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("资料名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Material.Kind.choices)
    length_minutes = forms.IntegerField(label=_("学习时长（分钟）"), min_value=1, max_value=600)
    file = forms.FileField(label=_("文件"))


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    group = forms.ChoiceField(label=_("对象"), choices=Plan.Group.choices)
    title = forms.CharField(label=_("计划名称"), max_length=100, required=False)
    materials = forms.ModelMultipleChoiceField(
        label=_("必学资料"), queryset=Material.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["materials"].queryset = Material.objects.select_related("course")  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year
