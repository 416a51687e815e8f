"""Meetings of a branch or a party group (三会一课, docs/orglife.md) and who should attend them.

A ``Meeting`` is one meeting of one unit: a branch, or for the party group meeting a party group.
Its should-attend list (``Attendee`` rows with ``expected``) is frozen when the meeting is created:
members who join or leave the branch later do not change who was expected at a past meeting.
Invitees who are not members (activists, development targets) are attendees linked to their
development dossier. The same rows carry leave (请假) and check-in, so "who was expected, who was
excused, who came" is one table per meeting.

Whether a meeting was held is derived (it started and was not cancelled); the minutes say what
happened. A meeting's ``checkin_secret`` keys the rotating check-in codes; it never leaves the server.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services.crypto import EncryptedTextField
from services.members.models import Member
from services.organization.models import OrgUnit
from services.procedures.models import MeetingStep, MeetingTemplate


def new_checkin_secret() -> str:
    """The per-meeting key of the rotating check-in codes (256 bits, hex)."""
    return secrets.token_hex(32)


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MEMBER_MEETING = "member_meeting", _("支部党员大会")
        COMMITTEE_MEETING = "committee_meeting", _("支委会")
        GROUP_MEETING = "group_meeting", _("党小组会")
        LECTURE = "lecture", _("党课")
        THEME_DAY = "theme_day", _("主题党日")
        LIFE_MEETING = "life_meeting", _("组织生活会")
        APPRAISAL = "appraisal", _("民主评议党员")
        TALK = "talk", _("谈心谈话")

    class Status(models.TextChoices):
        PLANNED = "planned", _("已安排")
        CANCELLED = "cancelled", _("已取消")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("组织"))
    kind = models.CharField(_("会议类型"), max_length=30, choices=Kind.choices)
    topic = models.CharField(_("主题"), max_length=200)
    agenda = models.TextField(_("议程"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    online_url = models.URLField(_("线上会议链接"), blank=True)
    host = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("主持人")
    )
    recorder = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("记录人")
    )
    # A party lecture's lecturer may come from outside the branch (a name, not a record).
    lecturer = models.CharField(_("授课人"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    checkin_secret = models.CharField(max_length=64, default=new_checkin_secret, editable=False)
    # Check-in is open from this many minutes before the start to this many after the end.
    checkin_opens_minutes = models.PositiveSmallIntegerField(_("提前开放签到（分钟）"), default=30)
    checkin_closes_minutes = models.PositiveSmallIntegerField(_("结束后关闭签到（分钟）"), default=30)
    allow_guests = models.BooleanField(_("允许名单外人员签到（记为列席）"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A cancelled meeting stays on record with why it was called off (services.meeting_cancel).
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]
        indexes = [
            # The compliance figure: meetings of one kind per unit and period (selectors).
            models.Index(fields=["unit", "kind", "starts_at"], name="meeting_unit_kind_start_idx"),
            models.Index(fields=["starts_at"], name="meeting_starts_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.topic}"


class Attendee(models.Model):
    """One person on a meeting's list: expected (frozen at creation) or a guest who checked in."""

    class Role(models.TextChoices):
        MEMBER = "member", _("党员")
        INVITEE = "invitee", _("列席")
        GUEST = "guest", _("名单外到会")

    class Leave(models.TextChoices):
        NONE = "", _("—")
        REQUESTED = "requested", _("请假待审批")
        APPROVED = "approved", _("已准假")
        REFUSED = "refused", _("未准假")

    class Method(models.TextChoices):
        NONE = "", _("—")
        QR = "qr", _("扫码签到")
        CODE = "code", _("输入签到码")
        MANUAL = "manual", _("主持人补记")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    # SET_NULL: the list is the meeting's record and outlives a record that leaves the institution.
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting_attendances"
    )
    dossier = models.ForeignKey(
        "development.Dossier", on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting_attendances"
    )
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("身份"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    expected = models.BooleanField(_("应到"), default=True)
    leave = models.CharField(_("请假"), max_length=20, choices=Leave.choices, blank=True, default="")
    leave_reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    leave_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    leave_decided_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checkin_method = models.CharField(_("签到方式"), max_length=10, choices=Method.choices, blank=True, default="")
    late = models.BooleanField(_("迟到"), default=False)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    # A hand-marked presence: who marked it and why (audited as well).
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mark_reason = models.CharField(_("补记原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["meeting", "-expected", "role", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=Q(member__isnull=False), name="attendee_meeting_member_unique"
            ),
            models.UniqueConstraint(
                fields=["meeting", "dossier"],
                condition=Q(dossier__isnull=False),
                name="attendee_meeting_dossier_unique",
            ),
        ]
        indexes = [
            # 我的会议: a member's meetings, newest first.
            models.Index(fields=["member", "meeting"], name="attendee_member_idx"),
            models.Index(fields=["dossier", "meeting"], name="attendee_dossier_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def present(self) -> bool:
        return self.checked_in_at is not None

    @property
    def excused(self) -> bool:
        return self.leave == self.Leave.APPROVED


# --- Minutes (docs/orglife.md "Minutes") -------------------------------------------------------
# Finalized minutes, their sections, step records and attachments, and the attendance rows of
# their meeting are refused UPDATE and DELETE by triggers (migration 0002_d_minutes);
# addenda are append-only from the start.


class LocalMeetingStep(models.Model):
    """A step an institution adds to a published meeting template, after one of its steps."""

    after_step = models.ForeignKey(
        MeetingStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("位于标准步骤之后")
    )
    title = models.CharField(_("步骤"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    record_required = models.BooleanField(_("须有记录"), default=False)
    record_hint = models.CharField(_("记录内容"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("本校会议步骤")
        verbose_name_plural = _("本校会议步骤")
        ordering = ["after_step__number", "sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class Minutes(models.Model):
    """The minutes of one meeting, following one version of its type's template. ``attendance``
    is the summary read from the meeting's attendee rows (refreshed while a draft, frozen when
    finalized). Finalized when both the host and the recorder have confirmed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FINALIZED = "finalized", _("已定稿")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    template = models.ForeignKey(
        MeetingTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("程序模板")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    attendance = models.JSONField(_("出席情况"), default=dict)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    host_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    host_confirmed_at = models.DateTimeField(_("主持人确认时间"), null=True, blank=True)
    recorder_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorder_confirmed_at = models.DateTimeField(_("记录人确认时间"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会议纪要")
        verbose_name_plural = _("会议纪要")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def finalized(self) -> bool:
        return self.status == self.Status.FINALIZED


class MinutesSection(models.Model):
    """One section of the minutes (会议议题, 讨论情况, 会议决议...), as the template names it."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("代码"), max_length=40)
    title = models.CharField(_("栏目"), max_length=100)
    hint = models.CharField(_("填写提示"), max_length=200, blank=True)
    text = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("纪要栏目")
        verbose_name_plural = _("纪要栏目")
        ordering = ["minutes", "number"]
        constraints = [models.UniqueConstraint(fields=["minutes", "code"], name="minutes_section_code_unique")]

    def __str__(self) -> str:
        return self.title


class MinutesStep(models.Model):
    """One item of the minutes' checklist: a template step or a local one, with its record."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("序号"))
    template_step = models.ForeignKey(MeetingStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    local_step = models.ForeignKey(LocalMeetingStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(_("步骤"), max_length=100)
    record_required = models.BooleanField(_("须有记录"), default=False)
    record_hint = models.CharField(_("记录内容"), max_length=200, blank=True)
    text = models.TextField(_("记录"), blank=True)

    class Meta:
        verbose_name = _("纪要步骤")
        verbose_name_plural = _("纪要步骤")
        ordering = ["minutes", "number"]

    def __str__(self) -> str:
        return self.title


class MinutesAttachment(models.Model):
    """A file of the minutes (a photo, the slides), stored through services/storage; ``step``:
    the checklist item it is the record of, if any."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(MinutesStep, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=300, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("纪要附件")
        verbose_name_plural = _("纪要附件")
        ordering = ["minutes", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class MinutesAddendum(models.Model):
    """A correction of finalized minutes, shown beside the original; append-only (a trigger)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(_("补充说明"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_name = models.CharField(_("补充人"), max_length=100)
    created_at = models.DateTimeField(_("补充时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("纪要补充说明")
        verbose_name_plural = _("纪要补充说明")
        ordering = ["minutes", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class CalendarFeed(models.Model):
    """A member's private iCalendar address (我的会议日历): ``/orglife/calendar/<token>.ics``.

    The token is the only credential a calendar app can send, so it is long (192 bits), found by
    its keyed hash and kept encrypted so the owner can copy the address again. Revoking it (or
    making a new one, which revokes the old) ends every subscription at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = EncryptedTextField()
    token_index = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("会议日历订阅")
        verbose_name_plural = _("会议日历订阅")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_feed_one_live_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


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


class LifeMeetingNote(models.Model):
    """One participant's record at an organizational life meeting (组织生活会, 教育管理条例 第十七条):
    their self-criticism, the criticism others raised, and what they will rectify. Written by the
    recorder or a manager of the branch; part of the meeting's minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="life_notes")
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    self_criticism = models.TextField(_("自我批评"), blank=True)
    criticism_received = models.TextField(_("批评意见"), blank=True)
    rectification = models.TextField(_("整改措施"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("批评与自我批评记录")
        verbose_name_plural = _("批评与自我批评记录")
        ordering = ["meeting", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="life_note_meeting_member_unique")]

    def __str__(self) -> str:
        return self.name


class BranchLifeSettings(models.Model):
    """A branch's own settings of organizational life (compliance.py, planning.py): the fixed day
    of the month of its theme party day (主题党日), 1–28 so that every month has it."""

    branch = models.OneToOneField(
        OrgUnit, on_delete=models.CASCADE, related_name="life_settings", verbose_name=_("党支部")
    )
    theme_day_of_month = models.PositiveSmallIntegerField(_("主题党日固定日期（每月几日）"), default=15)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("支部组织生活设置")
        verbose_name_plural = _("支部组织生活设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(theme_day_of_month__gte=1, theme_day_of_month__lte=28), name="life_settings_theme_day_1_28"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.theme_day_of_month}"
