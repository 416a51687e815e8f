"""A published disclosure (党费收缴使用情况公开): the figures of one unit's year frozen when
published, for the members they concern. Imported by models.py so Django registers it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.organization.models import OrgUnit


class Disclosure(models.Model):
    """One publication of a branch's (or of the institution's) year: collection, totals by category
    and the use lines, as they stood (``snapshot``). Published again, it is a new row: the members
    read the latest, and earlier ones stay as they were shown."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    snapshot = models.JSONField(default=dict)
    published_at = models.DateTimeField(_("公开时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("党费公开")
        verbose_name_plural = _("党费公开")
        ordering = ["-year", "-published_at", "-pk"]
        indexes = [models.Index(fields=["unit", "year"], name="dues_disclosure_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.published_at:%Y-%m-%d}"
