from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from services.accounts.forms import NewPasswordForm
from tenants.models import Institution

from . import platform_users


class InstitutionCreateForm(forms.Form):
    name = forms.CharField(label=_("学校名称"), max_length=100)
    code = forms.CharField(
        label=_("学校代码"),
        max_length=30,
        help_text=_("用作访问地址的前缀，如 pku → pku.平台域名。2–30 位小写字母或数字。"),
    )
    kind = forms.ChoiceField(label=_("学校类型"), choices=Institution.Kind.choices)
    region = forms.CharField(label=_("所在地区"), max_length=50, required=False)
    admin_username = forms.CharField(label=_("管理员用户名"), max_length=150, initial="admin")


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("暂停原因"), max_length=200, help_text=_("学校用户访问时将看到这段说明。"))


class ArchiveForm(forms.Form):
    confirmation = forms.CharField(label=_("请输入学校代码以确认归档"), max_length=30)


class DeleteForm(forms.Form):
    confirmation = forms.CharField(label=_("请输入学校代码以确认删除"), max_length=30)


class RestoreForm(forms.Form):
    confirmation = forms.CharField(label=_("请输入学校代码以确认恢复"), max_length=30)


class PlatformUserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[(role.value, role.label) for role in platform_users.ROLES],
        help_text=_("平台运维管理学校和平台账号；市教育工委查看各校汇总数据、发布全市文件。"),
    )


class PlatformUserDeleteForm(forms.Form):
    confirmation = forms.CharField(label=_("请输入用户名以确认删除"), max_length=150)


class SetPasswordForm(NewPasswordForm):
    """A platform account's first (or reset) password, through its one-time link; the service
    checks the password rules."""
