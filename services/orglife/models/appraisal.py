"""Democratic appraisal of members (民主评议党员, docs/orglife.md "Democratic appraisal")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.members.models import Member
from services.organization.models import OrgUnit

from .meetings import Meeting


class Appraisal(models.Model):
    """A branch's annual democratic appraisal of its members (民主评议党员, 教育管理条例 第十八条):
    each member's self-assessment, peer ratings, then the branch committee's conclusion, which goes
    onto the member records. The people appraised (and rating) are the branch's members on the roll
    when it opens (``AppraisalSubject``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("评议中")
        CONCLUDED = "concluded", _("已作出结论")

    branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="appraisals", verbose_name=_("党支部"))
    year = models.PositiveSmallIntegerField(_("年度"))
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("评议会议")
    )
    rating_closes_on = models.DateField(_("互评截止日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    concluded_on = models.DateField(_("结论日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        ordering = ["-year", "branch__path"]
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="appraisal_branch_year_unique")]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}"


class AppraisalSubject(models.Model):
    """One member in an appraisal: appraised, and a rater of the others."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="subjects")
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    self_assessment = models.TextField(_("个人自评"), blank=True)
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.CharField(_("支部结论"), max_length=20, blank=True)  # members.AppraisalResult.Grade
    conclusion_note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["appraisal", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="appraisal_subject_member_unique")]

    def __str__(self) -> str:
        return self.name


class PeerRating(models.Model):
    """One member's rating of another (优秀 / 合格 / 基本合格 / 不合格). Secret: the ratees' peers
    never see it, and the branch committee sees only the counts per member."""

    rater = models.ForeignKey(AppraisalSubject, on_delete=models.CASCADE, related_name="given")
    subject = models.ForeignKey(AppraisalSubject, on_delete=models.CASCADE, related_name="received")
    grade = models.CharField(max_length=20)  # members.AppraisalResult.Grade
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rater", "subject"], name="peer_rating_once"),
            models.CheckConstraint(condition=~Q(rater=F("subject")), name="peer_rating_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.rater_id}->{self.subject_id}"
