"""The override form of the rules page: the value is typed as text and read as the type of the
standard rule it overrides (a number stays a number, a list is JSON)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .display import rule_title
from .models import StandardRule
from .values import parse_text


class DateInput(forms.DateInput):
    input_type = "date"


class OverrideForm(forms.Form):
    key = forms.ChoiceField(label=_("规则"))
    value = forms.CharField(label=_("取值"), max_length=2000, help_text=_("数字直接填写；列表请填写 JSON。"))
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput)
    reason = forms.CharField(label=_("调整理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        titles = dict(
            StandardRule.objects.order_by("key", "-effective_from").distinct("key").values_list("key", "title")
        )
        # Administrators pick the rule by its title; the key tells two similar titles apart.
        cast(forms.ChoiceField, self.fields["key"]).choices = [
            (key, f"{rule_title({'title': title})}（{key}）") for key, title in titles.items()
        ]
        self.fields["key"].error_messages["invalid_choice"] = _("没有这条规则。")
        self.fields["effective_from"].error_messages["invalid"] = _("请输入正确的日期。")
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写%(field)s。") % {"field": field.label}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key, text = data.get("key"), data.get("value")
        if key and text is not None:
            standard = StandardRule.objects.filter(key=key).order_by("-effective_from").first()
            try:
                data["value"] = parse_text(text, like=standard.value if standard else "")
            except ValueError:
                self.add_error("value", _("取值格式不对，应与标准规则的类型一致（例如数字填写 40）。"))
        return data
