"""The institution registry (public schema).

An institution is one tenant: one PostgreSQL schema holding all its people and records.
User-facing text says 学校 / institution, never "tenant".
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

CODE_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9]{1,29}$",
    _("学校代码须为 2–30 位小写字母或数字，并以字母开头。"),
)
# Host labels that must never become an institution code, and the console's own paths under
# /institutions/ ("restore": an institution so named would have no page).
RESERVED_CODES = frozenset(
    {"www", "api", "admin", "static", "media", "public", "console", "mail", "template", "restore"}
)


def institution_domain(code: str) -> str:
    """An institution's address in this deployment: ``<code>.<BASE_DOMAIN>``."""
    return f"{code}.{settings.BASE_DOMAIN}"


class Institution(TenantMixin):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("本科院校")
        VOCATIONAL = "vocational", _("高职院校")
        MEDICAL = "medical", _("医学院校")
        TEACHERS = "teachers", _("师范院校")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        SUSPENDED = "suspended", _("已暂停")
        ARCHIVING = "archiving", _("归档中")  # the export is running (console/services.py LIFECYCLE)
        ARCHIVED = "archived", _("已归档")

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(
        _("代码"),
        max_length=30,
        unique=True,
        validators=[CODE_VALIDATOR],
        error_messages={"unique": _("学校代码已被使用。")},
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.UNIVERSITY)
    region = models.CharField(_("地区"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("状态原因"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_export_key = models.CharField(_("最近导出文件"), max_length=300, blank=True)
    last_export_at = models.DateTimeField(_("最近导出时间"), null=True, blank=True)

    # Provisioning clones the template schema explicitly (tenants/provisioning.py); saving a
    # row must never create or migrate a schema behind the service's back.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["code"]
        indexes = [models.Index(fields=["status"], name="institution_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @staticmethod
    def schema_for_code(code: str) -> str:
        return f"inst_{code}"


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")

    def __str__(self) -> str:
        return self.domain


class TemplateSnapshot(models.Model):
    """The template schema as a SQL script, per migration state (see tenants/provisioning.py)."""

    fingerprint = models.CharField(max_length=64, primary_key=True)
    sql = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("模板快照")
        verbose_name_plural = _("模板快照")

    def __str__(self) -> str:
        return self.fingerprint[:12]


class TaskDelivery(models.Model):
    """How often one task message has been delivered to a worker (tenants/deliveries.py).

    One row per task kind and arguments while it is in flight, failed or given up; a delivery
    that finishes deletes it. Holds only the task's name and arguments (schema names, ids, a
    language), never personal data."""

    class State(models.TextChoices):
        QUEUED = "queued", _("等待执行")
        RUNNING = "running", _("执行中")
        FAILED = "failed", _("执行出错")
        DEAD = "dead", _("已停止重试")

    key = models.CharField(max_length=64, unique=True)  # sha256 of the name and the arguments
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    schema_name = models.CharField(max_length=63, blank=True)  # an institution task's institution
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    deliveries = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)  # last handed to the broker (durable ones)

    class Meta:
        verbose_name = _("后台任务投递")
        verbose_name_plural = _("后台任务投递")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["state", "updated_at"], name="taskdelivery_state_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} ×{self.deliveries} ({self.state})"
