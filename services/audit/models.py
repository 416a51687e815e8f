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
    DOCUMENT_CREATED = "document.created", _("发布文件")
    DOCUMENT_UPDATED = "document.updated", _("修改文件")
    DOCUMENT_DELETED = "document.deleted", _("删除文件")
    DOCUMENT_SIGNED = "document.signed", _("签收通知")
    DOCUMENT_VERSION_ADDED = "document.version_added", _("上传新版本")
    DOCUMENT_VERSION_RESTORED = "document.version_restored", _("恢复旧版本")
    DOSSIER_CREATED = "development.dossier_created", _("建立发展档案")
    DOSSIER_ENDED = "development.dossier_ended", _("终止发展档案")
    DOSSIER_STAGE_ADVANCED = "development.stage_advanced", _("发展阶段推进")
    DOSSIER_STEP_RECORDED = "development.step_recorded", _("记录发展步骤")
    DOSSIER_STEP_REVIEWED = "development.step_reviewed", _("审核发展步骤")
    DOSSIER_CONTACT_ASSIGNED = "development.contact_assigned", _("确定培养联系人或入党介绍人")
    DOSSIER_CONTACT_ENDED = "development.contact_ended", _("解除培养联系人或入党介绍人")
    DOSSIER_DOCUMENT_OPENED = "development.document_opened", _("查看发展材料")
    DOSSIER_LOCAL_STEP_CHANGED = "development.local_step_changed", _("调整本校发展步骤")
    DOSSIER_PROBATION_EXTENDED = "development.probation_extended", _("延长预备期")
    DOSSIER_VOTE_OUTCOME = "development.vote_outcome", _("表决结果记入发展档案")
    VOTE_CREATED = "vote.created", _("新建表决")
    VOTE_DELETED = "vote.deleted", _("删除表决")
    VOTE_RECORDED = "vote.recorded", _("记录表决结果")
    VOTE_ELECTOR_EXCLUDED = "vote.elector_excluded", _("批准不计入应到会人数")
    VOTE_ELECTOR_INCLUDED = "vote.elector_included", _("恢复计入应到会人数")
    WORKDAYS_PUBLISHED = "workdays.published", _("发布工作日历")
    TASK_RETRIED = "task.retried", _("重新执行后台任务")


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
    # The action the row was written in (services/kernel/actions.py): web, api, task or command,
    # and its request id (a request's X-Request-ID, a task's id), to find it in the logs.
    channel = models.CharField(_("途径"), max_length=16, blank=True, default="", db_default="")
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, default="", db_default="")

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
