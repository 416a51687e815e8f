"""An institution's overrides of the standard rule set, in each institution's schema only.

Like the standard rules, overrides are versioned by ``effective_from`` and never edited: the
resolver takes the latest one in force on the date asked about.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleOverride(models.Model):
    key = models.CharField(_("规则"), max_length=80, db_index=True)
    value = models.JSONField(_("取值"))
    effective_from = models.DateField(_("生效日期"))
    reason = models.CharField(_("调整理由"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("规则调整")
        verbose_name_plural = _("规则调整")
        ordering = ["key", "-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="rule_overrides_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.effective_from})"
