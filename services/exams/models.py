"""The question bank and exams (docs/exams.md).

- ``Question``: one question of a unit's bank (its managers keep it), of one of five kinds; the
  choice kinds keep their options and the indices of the correct ones, fill-in-the-blank the
  accepted texts, short answer a reference answer for the person who marks it.
- ``Exam``: a window, a time limit, the attempts allowed and the paper rules ("N from each
  category/tag"); its audience is the members of its unit's subtree. Papers are drawn when it
  opens (``papers.papers_draw``), one ``Attempt`` row per member, so that starting only marks a
  row started.
- ``Attempt``: one person's paper (question ids, option order, points) and its clock: the
  deadline is fixed at start (the time limit, never past the exam's close), so an interrupted
  attempt resumes with the time that remained.
- ``Answer``: one row per question of an attempt, saved as given (an upsert each time); final
  once the attempt is submitted, and once marked (a trigger, migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("单选题")
        MULTIPLE = "multiple", _("多选题")
        TRUE_FALSE = "true_false", _("判断题")
        BLANK = "blank", _("填空题")
        SHORT = "short", _("简答题")

    unit = models.ForeignKey("organization.OrgUnit", on_delete=models.PROTECT, related_name="exam_questions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    options = models.JSONField(default=list, blank=True)  # the choices' texts (choice kinds)
    answer = models.JSONField(default=list, blank=True)  # correct option indices, or accepted texts
    reference = models.TextField(blank=True)  # short answer: what the marker compares with
    explanation = models.TextField(blank=True)
    category = models.CharField(max_length=50, blank=True)
    tags = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    difficulty = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(5)])
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["unit", "category"])]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_choice(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE, self.Kind.TRUE_FALSE)


class Exam(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    unit = models.ForeignKey("organization.OrgUnit", on_delete=models.PROTECT, related_name="exams")
    title = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    time_limit_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    attempts_allowed = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    # [{"category": "", "tag": "", "count": 5, "points": 2}, …]: a rule draws ``count`` active
    # questions of the unit's bank matching its category and tag (blank: any).
    rules = models.JSONField(default=list)
    is_contest = models.BooleanField(default=False)  # a knowledge contest: an opt-in leaderboard
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    papers_drawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["status", "opens_at"])]

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    class Status(models.TextChoices):
        READY = "ready", _("未开始")
        STARTED = "started", _("答题中")
        SUBMITTED = "submitted", _("待阅卷")
        MARKED = "marked", _("已评分")

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="exam_attempts")
    number = models.PositiveSmallIntegerField(default=1)
    paper = models.JSONField(default=list)  # [[question id, [option order], points], …] in the order shown
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    pending_marks = models.PositiveSmallIntegerField(default=0)  # short answers waiting for a marker
    on_leaderboard = models.BooleanField(default=False)  # a contest: the participant chose to appear

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exam", "member", "number"], name="exams_attempt_once")]
        indexes = [models.Index(fields=["status", "deadline_at"])]

    def __str__(self) -> str:
        return f"{self.exam_id}/{self.member_id}/{self.number}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.MARKED)


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    given = models.JSONField(default=list)  # option indices in the question's own order, or texts
    saved_at = models.DateTimeField()
    correct = models.BooleanField(null=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="exams_answer_once")]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}"
