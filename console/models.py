"""The console's own settings (public schema)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSettings(models.Model):
    """The committee's choices for its dashboard: one row (pk 1), made on first change.

    Rankings are off until the committee turns them on: the 2023 guidance against "formalism at
    the fingertips" (指尖上的形式主义) asks that schools not be ranked by figures by default."""

    rankings_enabled = models.BooleanField(_("启用排名"), default=False)
    # A name, not a key: a console account may be deleted, the record of who changed this stays.
    changed_by = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("看板设置")
        verbose_name_plural = _("看板设置")

    def __str__(self) -> str:
        return f"rankings={'on' if self.rankings_enabled else 'off'}"
