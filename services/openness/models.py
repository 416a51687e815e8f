"""A board item (党务公开事项): one dated disclosure of the institution or of one unit, read by the
members of that scope while it is on the board (published, not ended, not withdrawn); its unit's
managers keep it in the archive afterwards."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.organization.models import OrgUnit


class BoardItem(models.Model):
    """``unit`` None: the whole institution. ``source_key``: the publishing page's key for what it
    publishes (a dossier's publicity, a meeting's minutes, a branch's dues year), unique per kind
    among the items not withdrawn, so publishing the same thing again changes the item instead of
    adding a second one."""

    class Kind(models.TextChoices):
        MEETING_SUMMARY = "meeting_summary", _("会议概要")
        DEVELOPMENT_PUBLICITY = "development_publicity", _("发展党员公示")
        DUES = "dues", _("党费收缴使用")
        SURVEY_RESULTS = "survey_results", _("意见征集结果")
        NOTICE = "notice", _("通知公告")
        OTHER = "other", _("其他")

    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("公开范围")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    link = models.CharField(_("原文链接"), max_length=500, blank=True)
    source_key = models.CharField(_("来源标识"), max_length=200, blank=True)
    published_on = models.DateField(_("公开日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    publisher_name = models.CharField(_("发布人"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("党务公开事项")
        verbose_name_plural = _("党务公开事项")
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_key"],
                condition=~Q(source_key="") & Q(withdrawn_at__isnull=True),
                name="openness_item_source_unique",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("published_on")),
                name="openness_item_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["published_on", "ends_on"], name="openness_item_dates_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def on_board(self, today: date) -> bool:
        """Published by ``today``, not ended before it, not withdrawn."""
        return not self.withdrawn and self.published_on <= today and (self.ends_on is None or self.ends_on >= today)
