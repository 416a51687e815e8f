"""The portal's one way to run a service (services/kernel/web.py): a refusal lands on the form next
to its field, or as messages, and the view is told where to go."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from services.kernel.web import run_and_redirect, run_service


class NameForm(forms.Form):
    name = forms.CharField()


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _refuse(error: Exception) -> Any:
    def call() -> Any:
        raise error

    return call


def _said(request: HttpRequest) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def test_a_field_error_lands_next_to_its_field_and_the_view_renders_again() -> None:
    request, form = _request(), NameForm({"name": "甲"})
    assert form.is_valid()
    done = run_service(
        request,
        _refuse(ValidationError({"name": ["重名。"], "other": ["别的。"]})),
        form=form,
        success="好",
        redirect_to="/x",
    )
    assert not done.ok and done.response is None
    assert form.errors["name"] == ["重名。"] and form.non_field_errors() == ["别的。"]
    assert _said(request) == []


def test_success_says_so_and_redirects_where_the_result_says() -> None:
    request = _request()
    done = run_service(request, lambda: 7, success=lambda n: f"第 {n} 号", redirect_to=lambda n: f"/items/{n}/")
    assert done.ok and done.value == 7
    assert done.response is not None and done.response.url == "/items/7/"
    assert _said(request) == [("success", "第 7 号")]


def test_without_a_form_a_refusal_is_a_message_joined_or_one_each_then_the_error_redirect() -> None:
    request = _request()
    back = run_and_redirect(
        request, _refuse(ValidationError(["一。", "二。"])), to="/list/", on_error="/item/", joined="；"
    )
    assert back.url == "/item/"  # type: ignore[attr-defined]
    assert _said(request) == [("error", "一。；二。")]
    request = _request()
    run_and_redirect(request, _refuse(ValidationError({"a": ["一。"], "b": ["二。"]})), to="/", prefix="甲：")
    assert _said(request) == [("error", "甲：一。"), ("error", "甲：二。")]


def test_a_refusal_of_permission_is_the_403_unless_the_page_says_it() -> None:
    with pytest.raises(PermissionDenied):
        run_and_redirect(_request(), _refuse(PermissionDenied("不行。")), to="/")
    request = _request()
    run_and_redirect(request, _refuse(PermissionDenied("不行。")), to="/", refusals=True)
    assert _said(request) == [("error", "不行。")]
