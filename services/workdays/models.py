"""The Chinese working-day calendar (statutory holidays and adjusted workdays), published in the public schema.

Every year the General Office of the State Council publishes a notice
(国务院办公厅关于XXXX年部分节假日安排的通知) listing the holidays (放假) and the weekend days that
become working days (调休上班). A year exists for the calendar only once it is *published* here
(``CalendarYear``); a day of an unpublished year has no answer (``calendar.CalendarNotPublished``),
because guessing "Mon–Fri" would silently count National Day as five working days.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """One published year: its exceptions are complete, every other day follows Mon–Fri."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据通知"), max_length=200)
    published_at = models.DateTimeField(_("发布时间"), auto_now=True)
    published_by = models.CharField(_("发布人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("工作日历年份")
        verbose_name_plural = _("工作日历年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarException(models.Model):
    """A day that differs from Mon–Fri: a holiday (also listed when it falls on a weekend, as the
    notice counts it in the holiday span) or a weekend day that is an adjusted workday (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=40)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"
