"""The audit log: append-only, enforced by a database trigger (not only in Python).

The table exists in the public schema (platform actions: provisioning, suspensions, console
logins) and in every institution's schema (that institution's actions).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    LOGIN = "auth.login", _("登录")
    LOGIN_FAILED = "auth.login_failed", _("登录失败")
    LOGOUT = "auth.logout", _("退出登录")
    LOCKED_OUT = "auth.locked_out", _("账号锁定")
    PASSWORD_CHANGED = "auth.password_changed", _("修改密码")
    TOTP_ENABLED = "auth.totp_enabled", _("启用两步验证")
    TOTP_DISABLED = "auth.totp_disabled", _("停用两步验证")
    TOKEN_CREATED = "auth.token_created", _("创建 API 令牌")
    TOKEN_REVOKED = "auth.token_revoked", _("撤销 API 令牌")
    PERMISSION_DENIED = "auth.permission_denied", _("拒绝访问")
    INSTITUTION_CREATED = "institution.created", _("开通学校")
    INSTITUTION_SUSPENDED = "institution.suspended", _("暂停学校")
    INSTITUTION_RESUMED = "institution.resumed", _("恢复学校")
    INSTITUTION_EXPORTED = "institution.exported", _("导出学校")
    INSTITUTION_ARCHIVED = "institution.archived", _("归档学校")
    INSTITUTION_RESTORED = "institution.restored", _("恢复归档学校")
    INSTITUTION_DELETED = "institution.deleted", _("删除学校")
    USER_CREATED = "user.created", _("创建用户")
    MEMBER_CREATED = "member.created", _("新建党员档案")
    MEMBER_UPDATED = "member.updated", _("修改党员档案")
    MEMBER_STATUS_CHANGED = "member.status_changed", _("党籍状态变更")
    SENSITIVE_REVEALED = "member.revealed", _("查看敏感信息")
    MEMBERS_IMPORTED = "member.imported", _("导入党员")
    MEMBERS_EXPORTED = "member.exported", _("导出党员")
    ORG_UNIT_CHANGED = "org.changed", _("调整组织")
    RULE_OVERRIDDEN = "rule.overridden", _("调整规则")


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    event = models.CharField(_("事件"), max_length=50, choices=Event.choices, db_index=True)
    actor_id = models.BigIntegerField(_("操作人 ID"), null=True, blank=True)
    actor_username = models.CharField(_("操作人"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象 ID"), max_length=64, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_username", "-occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.event} {self.actor_username}"
