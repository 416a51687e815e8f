"""De-identified per-institution figures in the public schema. Each institution's job upserts
its own row; the committee console reads only this table, never an institution's schema."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionFigures(models.Model):
    institution = models.OneToOneField("tenants.Institution", on_delete=models.CASCADE, related_name="figures")
    member_count = models.PositiveIntegerField(_("党员数"), default=0)
    probationary_count = models.PositiveIntegerField(_("预备党员数"), default=0)
    branch_count = models.PositiveIntegerField(_("支部数"), default=0)
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("学校统计")
        verbose_name_plural = _("学校统计")

    def __str__(self) -> str:
        return f"{self.institution_id}: {self.member_count}"
