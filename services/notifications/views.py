"""The user's own channel settings (账号与安全 › 通知渠道): which channels each kind of message
arrives on, and their WeChat Work user id. Only ever about the signed-in user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from services.kernel.web import run_service

from . import selectors, services
from .channels import sms_configured, wecom_configured
from .forms import ChannelSettingsForm
from .kinds import Channel


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = ChannelSettingsForm.initial_for(
        channels=selectors.chosen_channels(user=user), wecom_userid=selectors.wecom_userid(user=user)
    )
    form = ChannelSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.notification_settings_set(
                acting_user=user, channels=form.channels(), wecom_user_id=form.cleaned_data["wecom_userid"]
            ),
            form=form,
            success=_("通知渠道设置已保存。"),
            redirect_to=reverse("notifications:preferences"),
        )
        if done.response:
            return done.response
    reach = selectors.reachable(user=user)
    status = [
        (
            Channel.SMS.label,
            reach.get(Channel.SMS),
            sms_configured(),
            _("尚无已验证的手机号（激活账号或找回密码时验证）"),
        ),
        (Channel.EMAIL.label, reach.get(Channel.EMAIL), True, _("账号尚未登记邮箱")),
        (Channel.WECOM.label, reach.get(Channel.WECOM), wecom_configured(), _("尚未填写企业微信账号")),
    ]
    return render(request, "notifications/preferences.html", {"form": form, "status": status})
