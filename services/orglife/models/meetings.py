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
