"""The forms of activation and reset: what a person types, on a phone (numeric keyboards where
the answer is digits, one-time-code autofill for the SMS code)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from services.accounts.forms import NewPasswordForm


class StartForm(forms.Form):
    number = forms.CharField(
        label=_("学号/工号"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_tail = forms.CharField(
        label=_("身份证号后6位"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )


class ForgotForm(forms.Form):
    identifier = forms.CharField(
        label=_("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class SlipForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    code = forms.CharField(
        label=_("激活码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )


class PasswordForm(NewPasswordForm):
    """The new password twice, checked against the password rules for this account."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        second = data.get("new_password2")
        if second and not self.has_error("new_password2"):
            try:
                validate_password(second, self.user)
            except ValidationError as exc:
                self.add_error("new_password2", exc)
        return data
