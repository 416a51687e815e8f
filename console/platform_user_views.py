"""The console's 平台账号 pages: operators list, create, disable, enable and delete the console's
accounts (console/platform_users.py), and the page where a new account's owner sets a password
through the link they were given."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from services.accounts.models import User
from services.kernel.web import run_and_redirect, run_service

from . import platform_users, selectors
from .forms import PlatformUserCreateForm, PlatformUserDeleteForm, SetPasswordForm
from .views import operator_required


def _link_url(request: HttpRequest, link: platform_users.SetPasswordLink) -> str:
    path = reverse("console:platform_user_set_password", kwargs={"uid": link.uid, "token": link.token})
    return request.build_absolute_uri(path)


def _link_page(request: HttpRequest, account: User, link: platform_users.SetPasswordLink, *, new: bool) -> HttpResponse:
    """The link, shown once: the page is not cached and the link is stored nowhere."""
    response = render(
        request, "console/platform_user_link.html", {"account": account, "link": _link_url(request, link), "new": new}
    )
    add_never_cache_headers(response)
    return response


@operator_required
def platform_user_list(request: HttpRequest) -> HttpResponse:
    """Every console account, and the form that creates one (its set-password link is shown once)."""
    form = PlatformUserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: platform_users.platform_user_create(**form.cleaned_data, acting_user=request.user),
            form=form,
        )
        if done.ok and done.value is not None:
            account, link = done.value
            assert link is not None  # no password given: a link
            return _link_page(request, account, link, new=True)
    return render(request, "console/platform_users.html", {"accounts": selectors.platform_user_list(), "form": form})


@operator_required
def platform_user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    return render(
        request,
        "console/platform_user_detail.html",
        {"account": account, "is_self": account.pk == request.user.pk, "delete_form": PlatformUserDeleteForm()},
    )


def _set_active(request: HttpRequest, pk: int, *, active: bool, done: str) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    return run_and_redirect(
        request,
        lambda: platform_users.platform_user_set_active(user=account, active=active, acting_user=request.user),
        success=done % {"username": account.username},
        to=redirect("console:platform_user", pk=pk),
    )


@require_POST
@operator_required
def platform_user_disable(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False, done=_("已停用“%(username)s”，其登录和 API 令牌均已失效。"))


@require_POST
@operator_required
def platform_user_enable(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True, done=_("已启用“%(username)s”。"))


@require_POST
@operator_required
def platform_user_delete(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    return run_and_redirect(
        request,
        lambda: platform_users.platform_user_delete(
            user=account, confirmation=request.POST.get("confirmation", ""), acting_user=request.user
        ),
        success=_("平台账号“%(username)s”已删除。") % {"username": account.username},
        to="console:platform_users",
        on_error=redirect("console:platform_user", pk=pk),
    )


@require_POST
@operator_required
def platform_user_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A new set-password link for an account whose owner lost the password."""
    account = get_object_or_404(User, pk=pk)
    done = run_service(
        request,
        lambda: platform_users.platform_user_link_issue(user=account, acting_user=request.user),
        on_error=redirect("console:platform_user", pk=pk),
    )
    if done.response is not None:
        return done.response
    assert done.value is not None
    return _link_page(request, account, done.value, new=False)


@never_cache
@sensitive_post_parameters()
def platform_user_set_password(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """Open to anyone holding the link; the link alone opens it, once."""
    account = platform_users.link_user(uid=uid, token=token)
    form = SetPasswordForm(request.POST or None)
    if account is not None and request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: platform_users.platform_user_password_set(
                uid=uid, token=token, password=form.cleaned_data["new_password1"]
            ),
            form=form,
            success=_("密码已设置，请登录。"),
            redirect_to="accounts:login",
        )
        if done.response is not None:
            return done.response
    return render(request, "console/platform_user_set_password.html", {"account": account, "form": form})
