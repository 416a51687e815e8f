"""Writes of the managers: build a survey (settings, sections, questions), open, close, delete a
draft. Each checks that the acting user manages the survey's unit, runs in one transaction with an
audit row; only a draft's content may change (an open survey's questions are what was answered)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.organization.scope import can_manage

from .audit_events import EVENT_CHANGED, EVENT_CLOSED, EVENT_CREATED, EVENT_DELETED, EVENT_OPENED
from .ballots import ballots_flush
from .models import Option, Participation, Question, Section, Survey

MAX_OPTIONS = 20


def require_manager(acting_user: Any, unit: OrgUnit) -> None:
    if not can_manage(acting_user=acting_user, unit=unit):
        raise PermissionDenied(_("您无权管理“%(unit)s”的意见征集。") % {"unit": unit.name})


def _require_draft(survey: Survey) -> None:
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(_("意见征集已经发布，题目和对象不能再修改。"))


def _check_settings(*, title: str, roles: Sequence[str], opens_on: date, closes_on: date, mode: str) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("请填写标题。")]
    if not roles or any(role not in Survey.Role.values for role in roles):
        errors["roles"] = [_("请至少选择一类对象。")]
    if closes_on < opens_on:
        errors["closes_on"] = [_("截止日期不能早于开始日期。")]
    if mode not in Survey.Mode.values:
        errors["mode"] = [_("请选择征集方式。")]
    if errors:
        raise ValidationError(errors)


def survey_create(
    *,
    acting_user: Any,
    unit: OrgUnit,
    title: str,
    mode: str,
    roles: Sequence[str],
    opens_on: date,
    closes_on: date,
    intro: str = "",
    include_subunits: bool = True,
) -> Survey:
    require_manager(acting_user, unit)
    _check_settings(title=title, roles=roles, opens_on=opens_on, closes_on=closes_on, mode=mode)
    with transaction.atomic():
        survey = Survey.objects.create(
            title=title.strip(),
            intro=intro.strip(),
            mode=mode,
            unit=unit,
            include_subunits=include_subunits,
            roles=sorted(set(roles)),
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        after = {"title": survey.title, "mode": mode, "unit": unit.pk, "roles": survey.roles}
        after |= {"opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()}
        audit_record(event=EVENT_CREATED, actor=acting_user, target=survey, after=after)
    return survey


def section_add(*, acting_user: Any, survey: Survey, title: str, body: str = "") -> Section:
    require_manager(acting_user, survey.unit)
    _require_draft(survey)
    if not title.strip():
        raise ValidationError({"title": [_("请填写部分标题。")]})
    with transaction.atomic():
        last = survey.sections.aggregate(m=Max("position"))["m"]
        section = Section.objects.create(
            survey=survey, title=title.strip(), body=body.strip(), position=(last or 0) + 1
        )
        audit_record(event=EVENT_CHANGED, actor=acting_user, target=survey, after={"section_added": section.pk})
    return section


def question_add(
    *, acting_user: Any, section: Section, kind: str, text: str, options: Sequence[str] = (), required: bool = True
) -> Question:
    survey = section.survey
    require_manager(acting_user, survey.unit)
    _require_draft(survey)
    cleaned = [line.strip() for line in options if line.strip()]
    _check_question(kind=kind, text=text, options=cleaned)
    with transaction.atomic():
        last = section.questions.aggregate(m=Max("position"))["m"]
        question = Question.objects.create(
            section=section, kind=kind, text=text.strip(), required=required, position=(last or 0) + 1
        )
        if question.has_options:
            Option.objects.bulk_create(
                [Option(question=question, text=line, position=i) for i, line in enumerate(cleaned, start=1)]
            )
        audit_record(event=EVENT_CHANGED, actor=acting_user, target=survey, after={"question_added": question.pk})
    return question


def _check_question(*, kind: str, text: str, options: Sequence[str]) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in Question.Kind.values:
        errors["kind"] = [_("请选择题型。")]
    if not text.strip():
        errors["text"] = [_("请填写题目。")]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if len(options) < 2:
            errors["options"] = [_("选择题至少要有两个选项，每行一个。")]
        elif len(options) > MAX_OPTIONS or len(set(options)) != len(options):
            errors["options"] = [_("选项不能重复，最多 %(n)s 个。") % {"n": MAX_OPTIONS}]
    if errors:
        raise ValidationError(errors)


def question_delete(*, acting_user: Any, question: Question) -> None:
    survey = question.section.survey
    require_manager(acting_user, survey.unit)
    _require_draft(survey)
    with transaction.atomic():
        audit_record(event=EVENT_CHANGED, actor=acting_user, target=survey, before={"question_removed": question.pk})
        question.delete()


def section_delete(*, acting_user: Any, section: Section) -> None:
    survey = section.survey
    require_manager(acting_user, survey.unit)
    _require_draft(survey)
    with transaction.atomic():
        audit_record(event=EVENT_CHANGED, actor=acting_user, target=survey, before={"section_removed": section.pk})
        section.delete()


def survey_open(*, acting_user: Any, survey: Survey) -> Survey:
    require_manager(acting_user, survey.unit)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        _require_draft(survey)
        questions = Question.objects.filter(section__survey=survey).count()
        if not questions and survey.anonymous:
            raise ValidationError(_("问卷还没有题目，不能发布。"))
        if not survey.sections.exists():
            raise ValidationError(_("还没有任何内容，不能发布。"))
        if survey.closes_on < timezone.localdate():
            raise ValidationError(_("截止日期已过，请先修改截止日期。"))
        survey.status = Survey.Status.OPEN
        survey.save(update_fields=["status"])
        after = {"questions": questions, "opens_on": survey.opens_on.isoformat()}
        after["closes_on"] = survey.closes_on.isoformat()
        audit_record(event=EVENT_OPENED, actor=acting_user, target=survey, after=after)
    return survey


def survey_close(*, acting_user: Any, survey: Survey) -> Survey:
    """Close ``survey`` (its managers, or the system when the close date has passed): answers stop,
    every waiting anonymous ballot is written (``ballots_flush`` with nothing held back)."""
    require_manager(acting_user, survey.unit)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status != Survey.Status.OPEN:
            raise ValidationError(_("只有征集中的意见征集可以结束。"))
        survey.status = Survey.Status.CLOSED
        survey.answered_count = Participation.objects.filter(survey=survey).count()
        survey.save(update_fields=["status", "answered_count"])
        audit_record(event=EVENT_CLOSED, actor=acting_user, target=survey, after={"answered": survey.answered_count})
        ballots_flush(survey=survey, final=True)
    return survey


def survey_delete(*, acting_user: Any, survey: Survey) -> None:
    require_manager(acting_user, survey.unit)
    _require_draft(survey)
    with transaction.atomic():
        audit_record(event=EVENT_DELETED, actor=acting_user, target=survey, before={"title": survey.title})
        survey.delete()
