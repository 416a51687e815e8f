"""Forms of the development pages: parsing only; the rules live in services.py and guards.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from services.kernel.text import FREE_TEXT_MAX
from services.members.models import Member
from services.organization.models import OrgUnit
from services.procedures.models import TemplateStep

from .models import DossierContact

DATE = forms.DateInput(attrs={"type": "date"})


class DossierForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    national_id = forms.CharField(label=_("身份证号"), max_length=18)
    category = forms.ChoiceField(label=_("人员类别"), choices=Member.Category.choices)
    number = forms.CharField(label=_("学号/工号"), max_length=30, required=False)
    branch = forms.ModelChoiceField(label=_("所在支部"), queryset=OrgUnit.objects.none())
    applied_on = forms.DateField(label=_("递交入党申请书日期"), widget=DATE)
    note = forms.CharField(
        label=_("备注"), required=False, max_length=FREE_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, branches: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("步骤"))
    occurred_on = forms.DateField(label=_("日期"), widget=DATE, help_text=_("公示、培训填开始日期。"))
    ends_on = forms.DateField(
        label=_("结束日期"), widget=DATE, required=False, help_text=_("公示的最后一天、培训的最后一天。")
    )
    hours = forms.DecimalField(label=_("学时"), required=False, min_value=0, max_digits=6, decimal_places=1)
    days = forms.IntegerField(label=_("天数"), required=False, min_value=0, max_value=365)
    actor_members = forms.ModelMultipleChoiceField(
        label=_("参与人（党员）"), queryset=Member.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("记录"), required=False, max_length=FREE_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    document_kind = forms.CharField(
        label=_("材料名称"), max_length=50, required=False, help_text=_("例如：入党申请书、谈话记录、思想汇报。")
    )
    documents = MultipleFileField(label=_("上传材料"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = choices  # type: ignore[attr-defined]
        self.fields["actor_members"].queryset = members  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("reject", _("退回"))])
    note = forms.CharField(label=_("审核意见"), max_length=300, required=False)


class ContactForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=DossierContact.Role.choices)
    member = forms.ModelChoiceField(label=_("正式党员"), queryset=Member.objects.none())
    assigned_on = forms.DateField(label=_("确定日期"), widget=DATE)

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class DateForm(forms.Form):
    on_date = forms.DateField(label=_("日期"), widget=DATE)


class ExtendForm(forms.Form):
    months = forms.IntegerField(label=_("延长月数"), min_value=1, max_value=24)
    on_date = forms.DateField(label=_("支部党员大会日期"), widget=DATE)
    reason = forms.CharField(label=_("理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class EndForm(forms.Form):
    on_date = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("我已确认：终止后不能恢复"), required=True)


class LocalStepForm(forms.Form):
    after_step = forms.ModelChoiceField(label=_("位于标准步骤之后"), queryset=TemplateStep.objects.none())
    title = forms.CharField(label=_("步骤名称"), max_length=100)
    documents = forms.CharField(label=_("所需材料（用顿号或逗号分隔）"), required=False, max_length=500)
    description = forms.CharField(
        label=_("说明"), required=False, max_length=FREE_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, steps: QuerySet[TemplateStep], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["after_step"].queryset = steps  # type: ignore[attr-defined]
        self.fields["after_step"].label_from_instance = lambda s: f"{s.number}. {s.title}"  # type: ignore[attr-defined]

    def document_list(self) -> list[str]:
        text = self.cleaned_data.get("documents") or ""
        for separator in ("，", ",", "、", ";", "；"):
            text = text.replace(separator, "\n")
        return [part.strip() for part in text.splitlines() if part.strip()]
