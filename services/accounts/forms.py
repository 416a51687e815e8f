from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ReauthForm(forms.Form):
    """Asked again before a sensitive change (turning two-step verification off, a new password):
    the current password, and the current code when two-step verification is on.
    services.reauthenticate checks them and counts wrong ones toward the lockout."""

    old_password = forms.CharField(
        label=_("当前密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label=_("验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.totp_enabled:
            del self.fields["code"]


class NewPasswordForm(forms.Form):
    """A new password typed twice, as every page that sets one asks for it. A mismatch is the
    form's error; the password rules are checked by whoever sets it (below, or the service)."""

    new_password1 = forms.CharField(
        label=_("新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label=_("确认新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class PasswordChangeForm(NewPasswordForm, ReauthForm):
    """The current password (and code), then the new one twice, checked against the rules."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        second = data.get("new_password2")  # gone from the data if the two differ
        if second:
            try:
                validate_password(second, self.user)
            except ValidationError as exc:
                self.add_error("new_password2", exc)
        return data
