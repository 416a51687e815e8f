"""The platform's standard rule set (docs/domain.md#rule-sets), in the public schema only.

A rule is versioned by ``effective_from``: a new version is a new row with a later date, never
an edit of the old one, so a deadline computed for a past date still finds the rule that was in
force then. Institutions override a rule in their own schema (``services.rule_overrides``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardRule(models.Model):
    class Unit(models.TextChoices):
        MEMBERS = "members", _("人")
        YEARS = "years", _("年")
        MONTHS = "months", _("个月")
        DAYS = "days", _("天")
        WORKING_DAYS = "working_days", _("个工作日")
        HOURS = "hours", _("学时")
        PERCENT = "percent", _("%")
        YUAN = "yuan", _("元")
        POSITIONS = "positions", _("个职务")

    key = models.CharField(_("规则"), max_length=80)
    # A number, a string (money stays a string: "0.20", exact), a bool or a list (dues brackets).
    value = models.JSONField(_("取值"))
    unit = models.CharField(_("单位"), max_length=20, choices=Unit.choices)
    effective_from = models.DateField(_("生效日期"))
    citation = models.CharField(_("依据"), max_length=200)
    title = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("标准规则")
        verbose_name_plural = _("标准规则")
        ordering = ["key", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["key", "effective_from"], name="rules_key_effective_unique")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.effective_from})"
