"""Surveys and opinion solicitation (意见征集; docs/surveys.md).

A ``Survey`` belongs to the unit whose managers run it; its audience is that unit (and, if chosen,
the units below it) narrowed to roles. It is built in sections (a draft's text, in named mode, is
given section by section) holding questions (single choice, multiple choice, rating, free text).
It goes draft → open → closed.

What is stored of an answer depends on the mode:

- **anonymous**: ``Participation`` (who has answered: no time, a random id) is kept apart from
  the answers. A submission waits in ``PendingBallot`` (random id, no time, no person) and is
  written by ``ballots.ballots_flush`` into ``Answer`` rows in shuffled batches, each row carrying
  only the day of its batch and a random id. Nothing joins an ``Answer`` to a person.
- **named**: ``Response`` (who, when) owns its ``Answer`` rows and a ``SectionComment`` per section.

Submitted answers are append-only in the database (migration 0002).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.organization.models import OrgUnit


class Survey(models.Model):
    class Mode(models.TextChoices):
        ANONYMOUS = "anonymous", _("匿名问卷")
        NAMED = "named", _("实名征求意见")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("征集中")
        CLOSED = "closed", _("已结束")

    class Role(models.TextChoices):
        FULL = "full", _("正式党员")
        PROBATIONARY = "probationary", _("预备党员")
        COMMITTEE = "committee", _("支部委员、书记等党内职务人员")

    title = models.CharField(_("标题"), max_length=120)
    intro = models.TextField(_("说明"), blank=True)
    mode = models.CharField(_("方式"), max_length=12, choices=Mode.choices, default=Mode.ANONYMOUS)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("组织"))
    include_subunits = models.BooleanField(_("包括下级组织"), default=True)
    roles = models.JSONField(_("对象"), default=list)  # Role values; any of them qualifies
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # How many answered: counted at close, so the results need not count participations again.
    answered_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("意见征集")
        verbose_name_plural = _("意见征集")
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["status", "closes_on"], name="survey_status_closes_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def anonymous(self) -> bool:
        return self.mode == self.Mode.ANONYMOUS

    def role_labels(self) -> list[str]:
        labels = dict(self.Role.choices)
        return [str(labels.get(role, role)) for role in self.roles]


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), blank=True)  # the draft's text of this section (named mode)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("单选")
        MULTIPLE = "multiple", _("多选")
        RATING = "rating", _("评分（1–5）")
        TEXT = "text", _("填空（文字）")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("题型"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("题目"), max_length=300)
    required = models.BooleanField(_("必答"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("选项"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Participation(models.Model):
    """That ``user`` has answered ``survey`` (both modes): one per person, so nobody answers twice.
    A random id and no time: its order and its columns say nothing about the answers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_participation_unique")]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.user_id}"


class PendingBallot(models.Model):
    """An anonymous submission waiting for its batch: the answers only, no person, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="pending")
    answers = models.JSONField()  # [{"question": id, "option": id|None, "rating": n|None, "text": ""}]

    def __str__(self) -> str:
        return str(self.pk)


class Response(models.Model):
    """A named answer (opinion solicitation on a draft): who answered and when."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    unit_name = models.CharField(_("所在组织"), max_length=100, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_response_unique")]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    """One answer to one question (a chosen option, a rating or a text). Anonymous: no
    ``response``, a random id, the day of its batch only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, null=True, blank=True, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, null=True, blank=True, related_name="answers")
    day = models.DateField()  # the batch's day (anonymous) or the day answered (named)

    class Meta:
        indexes = [models.Index(fields=["survey", "question"], name="survey_answer_question_idx")]

    def __str__(self) -> str:
        return str(self.pk)


class SectionComment(models.Model):
    """A named respondent's comment on one section of the draft."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("意见"))

    class Meta:
        ordering = ["section__position", "id"]
        constraints = [models.UniqueConstraint(fields=["response", "section"], name="survey_comment_unique")]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.section_id}"
