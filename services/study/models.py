"""Study (学习; docs/study.md): courses and their materials, study plans per year and group, the
time the server credits from heartbeats, and external training reported by members.

Online study is two small tables the heartbeat touches: ``Presence`` (one row per account: the one
material and the one page that is being studied now) and ``Progress`` (one row per account,
material and year: the seconds credited, at most the material's length). Lectures and theme party
days attended are not stored here: organizational life hands them over (orglife/study_credit.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    title = models.CharField(_("课程名称"), max_length=100)
    description = models.TextField(_("课程简介"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Material(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("文档")
        AUDIO = "audio", _("音频")
        VIDEO = "video", _("视频")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("资料名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # The length a study of it may be credited with, at most (a video's running time, a text's
    # reading time), in minutes.
    length_minutes = models.PositiveIntegerField(_("学习时长（分钟）"))
    storage_key = models.CharField(max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["course_id", "pk"]

    def __str__(self) -> str:
        return self.title


class Plan(models.Model):
    """A year's study plan for one group of people, with its required materials."""

    class Group(models.TextChoices):
        MEMBERS = "members", _("全体党员")
        CADRES = "cadres", _("支部书记和支委")
        TARGETS = "targets", _("发展对象")

    year = models.PositiveSmallIntegerField(_("年度"))
    group = models.CharField(_("对象"), max_length=10, choices=Group.choices)
    title = models.CharField(_("计划名称"), max_length=100)
    materials = models.ManyToManyField(Material, related_name="plans", blank=True, verbose_name=_("必学资料"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "group", "pk"]
        constraints = [models.UniqueConstraint(fields=["year", "group"], name="study_plan_one_per_group_year")]

    def __str__(self) -> str:
        return self.title


class Presence(models.Model):
    """What an account is studying now: one material, in one page (``tab``, a token the server
    issued when the page opened). A page opened later takes the presence over; the earlier one's
    heartbeats then count nothing."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="+")
    tab = models.CharField(max_length=32)
    opened_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id}:{self.material_id}"


class Progress(models.Model):
    """Seconds credited to an account for one material in one year (capped at its length)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="progress")
    year = models.PositiveSmallIntegerField()
    credited_seconds = models.PositiveIntegerField(default=0)
    cap_seconds = models.PositiveIntegerField()
    last_beat_at = models.DateTimeField(null=True, blank=True)  # null: the session has not begun

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "material", "year"], name="study_progress_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(credited_seconds__lte=models.F("cap_seconds")), name="study_progress_capped"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.material_id}:{self.year}"


class Training(models.Model):
    """External training a member reports, with its certificate; the branch's secretary approves
    it (its class hours count) or returns it with a note."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已认定")
        RETURNED = "returned", _("已退回")

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="study_trainings")
    title = models.CharField(_("培训名称"), max_length=100)
    organizer = models.CharField(_("举办单位"), max_length=100)
    finished_on = models.DateField(_("结业日期"))
    class_hours = models.PositiveSmallIntegerField(_("学时"))
    certificate_key = models.CharField(max_length=300)
    certificate_name = models.CharField(max_length=200)
    certificate_type = models.CharField(max_length=100)
    certificate_size = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
