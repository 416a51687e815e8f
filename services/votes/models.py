"""Votes at the branch member meeting (admission and confirmation): electorate, quorum, count, outcome.

A ``BranchVote`` is one meeting of one branch that votes on one or more candidates of one kind
(admission 接收预备党员, or confirmation 预备党员转正). Its electorate is a snapshot of the branch's
members taken when the vote is created (``Elector``): full members (Member status "normal") are
entitled by default, everyone else on the roll is listed as not entitled with the reason, and an
entitled member may be excluded with an approved reason (the approver is recorded). Presence and
written opinions are recorded per elector; counts per candidate (``Candidate``), written opinions
included. The arithmetic lives in ``counting.py``; ``services.vote_record`` applies it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.members.models import Member
from services.organization.models import OrgUnit


class BranchVote(models.Model):
    class Kind(models.TextChoices):
        ADMISSION = "admission", _("接收预备党员")
        CONFIRMATION = "confirmation", _("预备党员转正")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待表决")
        RECORDED = "recorded", _("已记录")

    class Outcome(models.TextChoices):
        PENDING = "", _("—")
        HELD = "held", _("会议有效")
        NO_QUORUM = "no_quorum", _("到会人数不足，会议无效")

    branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="votes", verbose_name=_("党支部"))
    kind = models.CharField(_("表决事项"), max_length=20, choices=Kind.choices)
    # The branch member meeting (organizational life) the vote is held at, when it was planned there.
    meeting = models.ForeignKey(
        "orglife.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("支部党员大会"),
    )
    meeting_on = models.DateField(_("会议日期"))
    place = models.CharField(_("会议地点"), max_length=100, blank=True)
    host = models.CharField(_("主持人"), max_length=50)
    recorder = models.CharField(_("记录人"), max_length=50)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(_("会议结果"), max_length=20, choices=Outcome.choices, blank=True, default="")
    # The numbers as recorded, and the rules in force on the meeting date (key, value, citation).
    entitled_count = models.PositiveIntegerField(_("应到会有表决权人数"), null=True, blank=True)
    present_count = models.PositiveIntegerField(_("实到会有表决权人数"), null=True, blank=True)
    written_count = models.PositiveIntegerField(_("书面意见份数"), null=True, blank=True)
    rules_applied = models.JSONField(_("适用规则"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("支部党员大会表决")
        verbose_name_plural = _("支部党员大会表决")
        ordering = ["-meeting_on", "-id"]
        indexes = [models.Index(fields=["branch", "-meeting_on"], name="vote_branch_meeting_idx")]

    def __str__(self) -> str:
        return f"{self.branch} {self.meeting_on} {self.get_kind_display()}"


class Elector(models.Model):
    """One member of the branch's roll at the time of the vote, entitled to vote or not (why)."""

    class Exclusion(models.TextChoices):
        NONE = "", _("—")
        # Not a full member in normal standing: never entitled (set from the member's status).
        PROBATIONARY = "probationary", _("预备党员，无表决权")
        STATUS = "status", _("党籍状态不是正式党员（正常）")
        # Approved exclusions from the count (with the higher committee's consent).
        ILLNESS = "illness", _("患病不能表达本人意志")
        ABROAD = "abroad", _("出国（境）半年以上")
        DETAINED = "detained", _("正在被拘留或服刑")
        INFIRM = "infirm", _("年老体弱卧床不起或长期生病生活不能自理")
        AWAY = "away", _("外出工作、学习半年以上未转组织关系")
        LEAVE = "leave", _("经批准长期请假")
        STOPPED = "stopped", _("停止党籍")
        OTHER = "other", _("其他经批准的情形")

    class Presence(models.TextChoices):
        PRESENT = "present", _("到会")
        WRITTEN = "written", _("未到会，提交书面意见")
        ABSENT = "absent", _("未到会")

    vote = models.ForeignKey(BranchVote, on_delete=models.CASCADE, related_name="electors")
    # SET_NULL: the electorate is the meeting's record; it outlives a member record that leaves the
    # institution (a transfer to another institution removes it here). Name and status are kept.
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("党员")
    )
    name = models.CharField(_("姓名"), max_length=50)
    member_status = models.CharField(_("党籍状态"), max_length=20, choices=Member.Status.choices)
    entitled = models.BooleanField(_("有表决权"), default=True)
    exclusion = models.CharField(_("不计入原因"), max_length=20, choices=Exclusion.choices, blank=True, default="")
    exclusion_note = models.CharField(_("说明"), max_length=200, blank=True)
    exclusion_approved_by = models.CharField(_("批准机关"), max_length=100, blank=True)
    exclusion_approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    presence = models.CharField(_("到会情况"), max_length=20, choices=Presence.choices, blank=True, default="")
    # For a written opinion: {candidate id: "yes" | "no" | "abstain"}.
    written_opinions = models.JSONField(_("书面意见"), default=dict, blank=True)

    class Meta:
        verbose_name = _("表决权名单")
        verbose_name_plural = _("表决权名单")
        ordering = ["-entitled", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="elector_vote_member_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def approved_exclusion(self) -> bool:
        """Excluded by an approval (reversible), not by the member's status."""
        return self.exclusion not in ("", self.Exclusion.PROBATIONARY, self.Exclusion.STATUS)


class Candidate(models.Model):
    """One person voted on, separately (细则第二十一条), with the counts written opinions included."""

    class Outcome(models.TextChoices):
        PENDING = "", _("待表决")
        PASSED = "passed", _("通过")
        FAILED = "failed", _("未通过")
        INVALID = "invalid", _("会议无效，未表决")

    vote = models.ForeignKey(BranchVote, on_delete=models.CASCADE, related_name="candidates")
    # SET_NULL for the same reason: the candidate's name and the counts stay with the meeting.
    dossier = models.ForeignKey(
        "development.Dossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vote_candidacies",
        verbose_name=_("发展档案"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(default=0)
    yes = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    no = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, blank=True, default="")

    class Meta:
        verbose_name = _("表决对象")
        verbose_name_plural = _("表决对象")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["vote", "dossier"], name="candidate_vote_dossier_unique")]

    def __str__(self) -> str:
        return self.name
