"""Indicator systems for standardized branches (标准化支部, issue 15): a versioned tree of areas,
items and evidence points, with a scoring rule per item, veto items and grade thresholds.

The app is in both SHARED_APPS and TENANT_APPS. The public copy holds what the municipal
committee publishes (for every institution, or for one institution type); an institution's copy
holds its local items. A published version never changes: the database refuses (migration 0002).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Institution

POINTS = {"max_digits": 6, "decimal_places": 1, "validators": [MinValueValidator(Decimal("0"))]}


def default_grades() -> list[list[str]]:
    """Grade thresholds, highest first: [label, minimum score]."""
    return [["好", "90"], ["较好", "80"], ["一般", "60"], ["差", "0"]]


class IndicatorSystem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    name = models.CharField(_("名称"), max_length=200)
    # Blank: every institution; otherwise institutions of this type only.
    institution_kind = models.CharField(_("适用学校类型"), max_length=20, choices=Institution.Kind.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("适用年度"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    total_points = models.DecimalField(_("总分"), default=Decimal("100"), **POINTS)  # type: ignore[arg-type]
    grades = models.JSONField(_("等次线"), default=default_grades)
    veto_grade = models.CharField(_("否决后等次"), max_length=10, default="差")
    # Under a veto the score is also capped here (blank: only the grade drops).
    veto_cap = models.DecimalField(_("否决后最高得分"), null=True, blank=True, **POINTS)  # type: ignore[arg-type]
    standardized_min = models.DecimalField(_("标准化支部最低得分"), default=Decimal("90"), **POINTS)  # type: ignore[arg-type]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        ordering = ["-year", "name", "-version"]
        indexes = [models.Index(fields=["status", "year", "institution_kind"], name="standards_system_applies")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class IndicatorNode(models.Model):
    """One node of the tree: an area (一级指标), an item (评分项, with its rule) or an evidence
    point (佐证材料) of an item."""

    class Kind(models.TextChoices):
        AREA = "area", _("考评部分")
        ITEM = "item", _("评分项")
        EVIDENCE = "evidence", _("佐证材料")

    class Rule(models.TextChoices):
        PER_EVIDENCE = "per_evidence", _("按材料计分")
        DEDUCTION = "deduction", _("缺项扣分（扣满为止）")
        METRIC_THRESHOLD = "metric_threshold", _("指标达标得满分")
        METRIC_PROPORTIONAL = "metric_proportional", _("指标按比例得分")

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    kind = models.CharField(_("层级"), max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("评分说明"), blank=True)
    points = models.DecimalField(_("分值"), default=Decimal("0"), **POINTS)  # type: ignore[arg-type]
    rule = models.CharField(_("计分规则"), max_length=24, choices=Rule.choices, blank=True)
    deduction = models.DecimalField(_("每缺一项扣分"), null=True, blank=True, **POINTS)  # type: ignore[arg-type]
    metric = models.CharField(_("自动指标"), max_length=64, blank=True)
    threshold = models.DecimalField(_("达标线（%）"), max_digits=5, decimal_places=1, null=True, blank=True)
    veto = models.BooleanField(_("一票否决"), default=False)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["system", "position", "id"]

    def __str__(self) -> str:
        return self.title
