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
    # After this day the year's reviews are closed: no submission, review or return.
    closes_on = models.DateField(_("考评截止日期"), null=True, blank=True)
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


class Assessment(models.Model):
    """One branch's standardization assessment for one year (institution schemas only): the
    branch self-assesses, the second-level committee reviews, then the institution; each review
    may return it to the step before. The scores are snapshots taken at each step."""

    class Status(models.TextChoices):
        SELF = "self", _("支部自评")
        SECOND = "second", _("院系党委审核")
        INSTITUTION = "institution", _("学校党委审核")
        FINAL = "final", _("已认定")

    unit = models.ForeignKey(
        "organization.OrgUnit",
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
        verbose_name=_("党支部"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    # The committee's published system, by its id in the public schema (no foreign key reaches it).
    system_id = models.BigIntegerField()
    # The institution's own published local items for the year, if any (this schema's IndicatorSystem).
    local_system_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SELF)
    notes = models.JSONField(_("说明"), default=dict, blank=True)  # evidence node id → the branch's comment
    returned_note = models.TextField(_("退回意见"), blank=True)
    score = models.DecimalField(_("得分"), null=True, blank=True, **POINTS)  # type: ignore[arg-type]
    maximum = models.DecimalField(_("满分"), null=True, blank=True, **POINTS)  # type: ignore[arg-type]
    grade = models.CharField(_("等次"), max_length=10, blank=True)
    standardized = models.BooleanField(_("标准化支部"), null=True)
    lines = models.JSONField(default=list, blank=True)  # the score's explanation, at the last step
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("支部考评")
        verbose_name_plural = _("支部考评")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="standards_assessment_once")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.status}"


class Evidence(models.Model):
    """A document or a link the branch offers for one evidence point (institution schemas only)."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("上传文件")
        LINK = "link", _("关联记录")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    # The evidence point's id in the public schema; negative: minus the id of a local item's point.
    node_id = models.BigIntegerField()
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    storage_key = models.CharField(max_length=400, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["node_id", "id"]

    def __str__(self) -> str:
        return self.title


class ReviewStep(models.Model):
    """One step of an assessment's way up (append-only in the database, migration 0004)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("提交自评")
        APPROVE = "approve", _("审核通过")
        RETURN = "return", _("退回")

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField(_("环节"), max_length=12, choices=Assessment.Status.choices)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    comment = models.TextField(_("意见"), blank=True)
    score = models.DecimalField(_("当时得分"), null=True, blank=True, **POINTS)  # type: ignore[arg-type]
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["assessment", "acted_at", "id"]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.stage} {self.action}"


class SpotCheck(models.Model):
    """The committee's spot check of one branch's published result (public schema only): the
    branch is named by its path of ids, as in the facts."""

    institution = models.ForeignKey(
        "tenants.Institution", on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    unit_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField(_("年度"))
    published_score = models.DecimalField(_("学校认定得分"), null=True, blank=True, **POINTS)  # type: ignore[arg-type]
    check_score = models.DecimalField(_("抽查得分"), null=True, blank=True, **POINTS)  # type: ignore[arg-type]
    comment = models.TextField(_("抽查意见"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        constraints = [
            models.UniqueConstraint(fields=["institution", "unit_path", "year"], name="standards_spot_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}/{self.unit_path} {self.year}"
