"""Forms of the bases pages and the member's declaration: money and months as typed, read into
``Decimal`` and the first day of a month; the rules of a base are the service's (bases.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .bases import money_parse
from .models import Category

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def month_parse(text: str) -> date:
    """ "2026-11", "2026/11", "2026年11月" -> 2026-11-01; ValidationError in Chinese otherwise."""
    found = _MONTH.match(text or "")
    if not found or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2100:
        raise ValidationError(_("请按“2026-11”的格式填写起始月份。"))
    return date(int(found.group(1)), int(found.group(2)), 1)


class MoneyField(forms.CharField):
    """An amount in yuan, to the fen (blank: None)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 20, "placeholder": "4200.00"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        return money_parse(text) if text else None


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "maxlength": 10, "placeholder": "2026-11"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        return month_parse(text) if text else None


class BaseForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("交纳类别"), choices=Category.choices)
    monthly_base = MoneyField(
        label=gettext_lazy("月交纳基数（元）"),
        required=False,
        help_text=gettext_lazy("税后固定月工资（离退休为月退休费）；学生、下岗失业、依靠最低生活保障的党员不填。"),
    )
    starts_on = MonthField(label=gettext_lazy("起始月份"))
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=200)


class DeclarationForm(forms.Form):
    monthly_base = MoneyField(label=gettext_lazy("新的月交纳基数（元）"))
    starts_on = MonthField(label=gettext_lazy("起始月份（工资变动的月份）"))
    reason = forms.CharField(label=gettext_lazy("变动原因"), max_length=200)


class DecisionForm(forms.Form):
    confirm = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )
    note = forms.CharField(label=gettext_lazy("处理意见"), required=False, max_length=200)
