"""Forms of the transfer pages (Chinese labels through gettext)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.members.models import Member
from services.organization.models import OrgUnit
from tenants.models import Institution

from .models import BatchTransfer

MAX_LIST_BYTES = 256 * 1024


class InternalForm(forms.Form):
    to_branch = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=gettext_lazy("转入支部"))
    reason = forms.CharField(label=gettext_lazy("转接原因"), max_length=200)

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = branches  # type: ignore[attr-defined]


class PlatformForm(forms.Form):
    to_institution: forms.ModelChoiceField[Institution] = forms.ModelChoiceField(
        queryset=Institution.objects.none(), label=gettext_lazy("接收学校")
    )
    reason = forms.CharField(label=gettext_lazy("转接原因"), max_length=200)

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_institution"].queryset = institutions  # type: ignore[attr-defined]


class ExternalForm(forms.Form):
    to_organization = forms.CharField(
        label=gettext_lazy("接收党组织"),
        max_length=100,
        help_text=gettext_lazy("写在介绍信抬头，例如：中共某某公司委员会"),
    )
    reason = forms.CharField(label=gettext_lazy("转接原因"), max_length=200)


class StubForm(forms.Form):
    returned_on = forms.DateField(
        label=gettext_lazy("回执返回日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    receiving_org = forms.CharField(label=gettext_lazy("接收党组织"), max_length=100)


class AcceptForm(forms.Form):
    target_branch = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=gettext_lazy("接收支部"))

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_branch"].queryset = branches  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("退回原因"), max_length=200)


class BatchForm(forms.Form):
    destination = forms.ChoiceField(choices=BatchTransfer.Destination.choices, label=gettext_lazy("去向"))
    to_institution: forms.ModelChoiceField[Institution] = forms.ModelChoiceField(
        queryset=Institution.objects.none(),
        required=False,
        label=gettext_lazy("接收学校"),
        help_text=gettext_lazy("去向为平台内学校时选择"),
    )
    to_organization = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("接收党组织"),
        help_text=gettext_lazy("去向为平台外单位时填写，写在介绍信抬头"),
    )
    reason = forms.CharField(label=gettext_lazy("转接原因"), max_length=200, initial=gettext_lazy("毕业"))
    branch = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(), required=False, label=gettext_lazy("所在组织（含下级）")
    )
    category = forms.ChoiceField(
        choices=[("", gettext_lazy("全部")), *Member.Category.choices],
        required=False,
        initial=Member.Category.STUDENT,
        label=gettext_lazy("人员类别"),
    )
    numbers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("学号/工号名单"),
        help_text=gettext_lazy("每行一个；填写后只转接名单上的人"),
    )
    numbers_file = forms.FileField(required=False, label=gettext_lazy("或上传名单（.txt / .csv，每行一个学号）"))

    def __init__(self, *args: Any, institutions: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["branch"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        numbers = [line.strip() for line in (data.get("numbers") or "").splitlines()]
        upload = data.get("numbers_file")
        if upload is not None:
            if upload.size > MAX_LIST_BYTES:
                raise ValidationError(_("名单文件太大。"))
            text = upload.read().decode("utf-8-sig", errors="replace")
            numbers += [line.split(",")[0].strip().strip('"') for line in text.splitlines()]
        data["number_list"] = [n for n in numbers if n]
        if not data["number_list"] and not data.get("branch"):
            raise ValidationError(_("请选择所在组织，或填写学号名单。"))
        if data.get("destination") == BatchTransfer.Destination.PLATFORM and not data.get("to_institution"):
            self.add_error("to_institution", _("请选择接收学校。"))
        if data.get("destination") == BatchTransfer.Destination.EXTERNAL and not data.get("to_organization"):
            self.add_error("to_organization", _("请填写接收党组织。"))
        return data
