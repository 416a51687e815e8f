"""激活账号 and 忘记密码: anonymous pages, phone first. Between steps the pending account is carried
in a cookie the server encrypted for this institution (never in a hidden field), for
PENDING_SECONDS (pending.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from services.accounts.models import User

from . import pending as pending_state
from . import services
from .forms import CodeForm, ForgotForm, PasswordForm, SlipForm, StartForm


def _page(request: HttpRequest, form: Any, *, title: str, intro: str = "", submit: str, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, "intro": intro, "submit": submit, **extra}
    return render(request, "activation/form.html", context)


def _pending(request: HttpRequest, step: str) -> dict[str, Any] | None:
    pending = pending_state.read(request)
    if pending is None or pending.get("step") != step:
        return None
    return pending


def _next(to: str, step: str, result: services.Step, *, how: str) -> HttpResponse:
    """A redirect to the next step, carrying what it needs."""
    response = redirect(to)
    value = {"step": step, "u": result.user_id, "s": result.subject, "r": result.reset, "c": result.code_id}
    pending_state.keep(response, {**value, "how": how})
    return response


def _start_over(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("操作已超时，请重新开始。"))
    response = redirect("activation:start")
    pending_state.drop(response)
    return response


@sensitive_post_parameters("id_tail")
@csrf_protect
@never_cache
def start_view(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.activation_start(
            number=form.cleaned_data["number"], name=form.cleaned_data["name"], id_tail=form.cleaned_data["id_tail"]
        )
        if not result.error:
            return _next("activation:verify", "code", result, how="phone")
        form.add_error(None, result.error)
    intro = _("请输入学号/工号、姓名和身份证号后6位，验证码将发送到党员档案中登记的手机号。")
    return _page(request, form, title=_("激活账号"), intro=intro, submit=_("获取验证码"), activate=True)


@csrf_protect
@never_cache
def forgot_view(request: HttpRequest) -> HttpResponse:
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.reset_start(identifier=form.cleaned_data["identifier"])
        if not result.error:
            messages.info(request, _("如果账号存在且已绑定手机，验证码已发送"))
            return _next("activation:verify", "code", result, how="phone")
        form.add_error(None, result.error)
    intro = _("请输入用户名或已绑定的手机号，验证码将发送到该账号绑定的手机。")
    return _page(request, form, title=_("忘记密码"), intro=intro, submit=_("获取验证码"))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    pending = _pending(request, "code")
    if pending is None:
        return _start_over(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.code_check(user_id=pending["u"], subject=pending["s"], code=form.cleaned_data["code"])
        if not result.error:
            return _next("activation:password", "password", result, how="phone")
        form.add_error("code", result.error)
    title = _("重设密码") if pending["r"] else _("激活账号")
    intro = _("请输入短信中的6位验证码，10 分钟内有效。")
    return _page(request, form, title=title, intro=intro, submit=_("下一步"))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def slip_view(request: HttpRequest) -> HttpResponse:
    initial = {"username": request.GET.get("u", "")[:150], "code": request.GET.get("c", "")[:20]}
    form = SlipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        result = services.slip_check(username=form.cleaned_data["username"], code=form.cleaned_data["code"])
        if not result.error:
            return _next("activation:password", "password", result, how="slip")
        form.add_error(None, result.error)
    intro = _("请输入激活单上的用户名和激活码（扫描激活单上的二维码可自动填写）。")
    return _page(request, form, title=_("激活单激活"), intro=intro, submit=_("下一步"))


@sensitive_post_parameters()
@csrf_protect
@never_cache
def password_view(request: HttpRequest) -> HttpResponse:
    pending = _pending(request, "password")
    user = User.objects.filter(pk=(pending or {}).get("u") or 0, is_active=True).first()
    if pending is None or user is None:
        return _start_over(request)
    form = PasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        result = services.password_set(
            user_id=user.pk, code_id=pending["c"], how=pending["how"], password=form.cleaned_data["new_password1"]
        )
        if result.error:
            messages.error(request, result.error)
            response = redirect("activation:start")
        else:
            done = _("密码已重设，请重新登录。") if result.reset else _("账号已激活，请登录。")
            user.refresh_from_db(fields=["username"])
            message = done + " " + _("用户名：%(u)s，也可用绑定的手机号登录。") % {"u": user.username}
            messages.success(request, message)
            response = redirect("accounts:login")
        pending_state.drop(response)
        return response
    title = _("重设密码") if pending["r"] else _("设置密码")
    return _page(request, form, title=title, submit=_("保存密码"), username=user.username)
