"""The annual tables each institution publishes for the committee, in the public schema: counts
only (table -> row -> column -> number), never a name or an id of a person (docs/statistics.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedTables(models.Model):
    """One institution's filled tables of one year, upserted by its statistics job."""

    institution = models.ForeignKey("tenants.Institution", on_delete=models.CASCADE, related_name="statistics_tables")
    year = models.PositiveSmallIntegerField(_("年度"))
    edition = models.CharField(_("统计模板"), max_length=40)
    cells = models.JSONField(_("统计数"), default=dict)  # {"t1": {"total": {"male": 12, ...}}}
    checks_passed = models.BooleanField(_("校验通过"), default=True)
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("党内统计年报")
        verbose_name_plural = _("党内统计年报")
        ordering = ["-year", "institution_id"]
        constraints = [models.UniqueConstraint(fields=["institution", "year"], name="statistics_tables_once_a_year")]

    def __str__(self) -> str:
        return f"{self.institution_id}/{self.year}"
