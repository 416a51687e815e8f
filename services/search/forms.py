"""The search form: the query and the filters, validated (dates, a known document type)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.kernel.inputs import supported_day

from .selectors import MAX_QUERY_CHARS, Filters

DOC_TYPES = (
    ("", _("全部类型")),
    ("notice", _("通知")),
    ("study", _("学习资料")),
    ("minutes", _("会议记录")),
    ("attachment", _("档案附件")),
)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), max_length=MAX_QUERY_CHARS, required=False)
    doc_type = forms.ChoiceField(label=_("类型"), choices=DOC_TYPES, required=False)
    tag = forms.CharField(label=_("标签"), max_length=50, required=False)
    day_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=[supported_day]
    )
    day_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=[supported_day]
    )
    unit = forms.TypedChoiceField(label=_("组织"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, units: list[tuple[int, str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self._unit_paths = {pk: path for pk, _name, path in units}
        unit_field: Any = self.fields["unit"]
        unit_field.choices = [("", _("全部组织")), *((pk, name) for pk, name, _path in units)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("day_from"), cleaned.get("day_to")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            doc_type=data.get("doc_type") or "",
            tag=(data.get("tag") or "").strip(),
            day_from=data.get("day_from"),
            day_to=data.get("day_to"),
            org_path=self._unit_paths.get(data.get("unit") or 0, ""),
        )
