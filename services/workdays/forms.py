"""The operator's form for publishing a year of the working-day calendar on the console."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CalendarYear
from .services import CalendarDataError, Entry, parse_csv, validate_entries

MAX_FILE_BYTES = 64 * 1024  # a year is a few dozen lines


class PublishForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=_("依据通知"),
        max_length=200,
        help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
    file = forms.FileField(
        label=_("CSV 文件"), required=False, help_text=_("每行：日期,类别,节日，例如 2027-10-01,休,国庆节")
    )
    rows = forms.CharField(
        label=_("或直接粘贴"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2027-01-01,休,元旦\n2027-02-07,班,春节"}),
    )
    replace = forms.BooleanField(label=_("我确认替换该年份已发布的安排"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1
        self.entries: list[Entry] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        text = data.get("rows") or ""
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(_("文件过大：一年的节假日安排不会超过 64 KB。"))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("文件不是 UTF-8 编码的 CSV，请用“CSV UTF-8”格式另存后再上传。")) from None
            # Shown in the text box from now on, so publishing after the check needs no second upload.
            data["rows"] = text
            if isinstance(self.data, QueryDict):
                shown = self.data.copy()
                shown["rows"] = text
                self.data = shown
        if not text.strip():
            raise forms.ValidationError(_("请上传 CSV 文件或粘贴节假日安排。"))
        year = data.get("year")
        if year is None:
            return data
        try:
            self.entries = validate_entries(year, parse_csv(text))
        except CalendarDataError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def needs_confirmation(self) -> bool:
        """Publishing over a year already published replaces it: only with the box ticked."""
        year: int = self.cleaned_data["year"]
        return bool(CalendarYear.objects.filter(year=year).exists() and not self.cleaned_data.get("replace"))
