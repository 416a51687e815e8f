"""Forms of the document pages: they parse and present; the rules live in services.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from services.kernel.text import FREE_TEXT_MAX, free_text, single_line
from services.organization.models import OrgUnit

from .models import Document


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = cast(OrgUnit, obj)
        return "　" * max(0, unit.path.count(".") - 1) + unit.name


class _DocumentFields(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, validators=[single_line])
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=FREE_TEXT_MAX,
        validators=[free_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tags = forms.CharField(
        label=_("标签"),
        required=False,
        help_text=_("用逗号分隔，例如：主题教育, 2026"),
        max_length=400,
        validators=[single_line],
    )
    scope_unit = UnitChoiceField(label=_("可见范围"), queryset=OrgUnit.objects.none(), required=False)
    requires_signoff = forms.BooleanField(label=_("需要党员签收（仅通知）"), required=False)

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit] | None = None, whole_institution: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["scope_unit"])
        if units is None:
            del self.fields["scope_unit"]  # the committee publishes to every institution
            return
        field.queryset = units
        if whole_institution:
            field.empty_label = str(_("全校"))
        else:
            field.required = True
            field.empty_label = None

    def tag_list(self) -> list[str]:
        return [part for part in self.cleaned_data.get("tags", "").replace("，", ",").split(",") if part.strip()]


class UploadForm(_DocumentFields):
    kind = forms.ChoiceField(label=_("类型"), choices=Document.Kind.choices)
    file = forms.FileField(label=_("文件"))

    field_order = ["file", "kind", "title", "description", "tags", "scope_unit", "requires_signoff"]


class EditForm(_DocumentFields):
    pass


class VersionForm(forms.Form):
    file = forms.FileField(label=_("新版本文件"))
    note = forms.CharField(label=_("版本说明"), required=False, max_length=200, validators=[single_line])


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *Document.Kind.choices])
    tag = forms.CharField(label=_("标签"), required=False, max_length=30)
    unit = UnitChoiceField(label=_("组织"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("全部组织"))

    def __init__(self, *args: Any, units: QuerySet[OrgUnit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
