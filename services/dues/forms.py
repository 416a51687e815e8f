"""Forms of the month and ledger pages: opening and closing (each with a confirmation box),
recording a payment or a voluntary payment, a correction, and the branch's quarterly setting.
Amounts are read with ``ledger.parse_yuan`` (negative, absurd, finer than a fen: refused in
Chinese); the services say what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .ledger import parse_yuan
from .models import Entry


class YuanField(forms.CharField):
    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return parse_yuan(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["amount"]) from None


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("我已核对，确认操作"), required=True)


class OpenMonthForm(ConfirmForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)


KIND_CHOICES = [("payment", _("交纳党费（按月）")), ("voluntary", _("自愿多交党费"))]
METHOD_CHOICES = [
    (Entry.Method.CASH.value, Entry.Method.CASH.label),
    (Entry.Method.BANK.value, Entry.Method.BANK.label),
]


class PaymentForm(forms.Form):
    """One payment of one member: for months (as many as they choose) or voluntary."""

    kind = forms.ChoiceField(label=_("类型"), choices=KIND_CHOICES, initial="payment")
    months = forms.MultipleChoiceField(label=_("交纳月份"), required=False, widget=forms.CheckboxSelectMultiple)
    amount = YuanField(label=_("实收金额（元）"))
    method = forms.ChoiceField(label=_("交纳方式"), choices=METHOD_CHOICES)
    reference = forms.CharField(label=_("凭证号"), max_length=64, help_text=_("收据号或银行流水号，必填。"))
    paid_by_name = forms.CharField(label=_("代缴人"), max_length=50, required=False, help_text=_("他人代缴时填写。"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, months: list[tuple[int, int, Decimal]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [  # type: ignore[attr-defined]
            (f"{y}-{m:02d}", _("%(year)s年%(month)s月（欠 %(due)s 元）") % {"year": y, "month": m, "due": due})
            for y, m, due in months
        ]

    def chosen_months(self) -> list[tuple[int, int]]:
        return [(int(v[:4]), int(v[5:])) for v in self.cleaned_data.get("months", [])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "payment" and not data.get("months"):
            self.add_error("months", _("请选择要交纳的月份。"))
        return data


class ReverseForm(ConfirmForm):
    reason = forms.CharField(label=_("冲正原因"), max_length=200)
    corrected_amount = forms.CharField(
        label=_("更正后的应交金额（元）"), required=False, help_text=_("仅更正应交记录时填写；0 表示不应交。")
    )

    def clean_corrected_amount(self) -> Decimal | None:
        value = (self.cleaned_data.get("corrected_amount") or "").strip()
        if not value:
            return None
        if value in ("0", "0.0", "0.00"):
            return Decimal("0.00")
        try:
            return parse_yuan(value, field="corrected_amount")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["corrected_amount"]) from None


class SettingsForm(forms.Form):
    quarterly = forms.BooleanField(label=_("按季度交纳（经支部同意）"), required=False)
