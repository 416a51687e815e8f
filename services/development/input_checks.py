"""Checks of what a manager enters before a dossier or a step is written (services.py): every
field is checked at once and the errors come back together, keyed by field, before any
transaction begins; the applicant's age is asked of the guards once the form is clean. The party
rules themselves are in guards.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from services.members.validation import check_identity, clean_national_id
from services.organization.models import OrgUnit
from services.procedures.models import PIPELINE, Stage, TemplateStep

from . import guards as g
from .common import _template_step, _today
from .models import Dossier, LocalStep


def _checked_application(
    *, branch: OrgUnit, name: str, national_id: str, gender: str | None, birth_date: date | None, applied_on: date
) -> str:
    """Check the application form, every field at once: a name, an open branch, a valid ID number
    that agrees with the birth date and gender given, a date not in the future. Returns the
    cleaned ID number."""
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("请填写姓名。")]
    if branch.kind != OrgUnit.Kind.BRANCH or branch.closed_on is not None:
        errors["branch"] = [_("请选择一个未撤销的党支部。")]
    try:
        number_id = clean_national_id(national_id)
    except ValidationError as exc:
        errors["national_id"] = exc.messages
        number_id = ""
    if number_id:
        mismatches = check_identity(number=number_id, birth_date=birth_date, gender=gender)
        if mismatches:
            errors["national_id"] = mismatches
    if applied_on > _today():
        errors["applied_on"] = [_("日期不能晚于今天。")]
    if errors:
        raise ValidationError(errors)
    return number_id


def _check_age(*, birth_date: date, applied_on: date) -> None:
    """The applicant is at least ``development.min_age`` on the day of the application."""
    age = g.age_guard(birth_date=birth_date, applied_on=applied_on)
    if not age.passed:
        raise ValidationError({"applied_on": [f"{age.missing}（{age.citation}）"]})


def _step_allowed(dossier: Dossier, stage_of_step: str) -> bool:
    """Steps of the current stage and of the next one (the decision that begins it) may be recorded."""
    if dossier.stage == Stage.ENDED:
        return False
    current = PIPELINE.index(dossier.stage)
    return PIPELINE.index(stage_of_step) <= current + 1


def _which_step(
    dossier: Dossier, *, code: str, local_step: LocalStep | None
) -> tuple[TemplateStep | None, str, str, str]:
    """The step being recorded: (template step, the stage it belongs to, title, code) of a local
    step, or of the standard step ``code`` in the dossier's template."""
    if local_step is not None:
        return None, local_step.after_step.stage.stage, local_step.title, "local"
    template_step = _template_step(dossier, code)
    if template_step is None:
        raise ValidationError({"code": [_("没有这个步骤。")]})
    return template_step, template_step.stage.stage, template_step.title, code


def _check_step(
    dossier: Dossier, *, stage_of_step: str, title: str, occurred_on: date, ends_on: date | None, hours: Decimal | None
) -> None:
    """Check a step's fields, every one at once: allowed at the dossier's stage, dated between the
    application and today, an end not before its start, no negative hours."""
    errors: dict[str, list[str]] = {}
    if not _step_allowed(dossier, stage_of_step):
        errors["code"] = [
            _("当前阶段（%(stage)s）不能记录“%(title)s”。") % {"stage": dossier.get_stage_display(), "title": title}
        ]
    if occurred_on > _today():
        errors["occurred_on"] = [_("日期不能晚于今天。")]
    elif occurred_on < dossier.applied_on:
        errors["occurred_on"] = [_("日期不能早于申请入党日期。")]
    if ends_on is not None and ends_on < occurred_on:
        errors["ends_on"] = [_("结束日期不能早于开始日期。")]
    if hours is not None and hours < 0:
        errors["hours"] = [_("学时不能为负数。")]
    if errors:
        raise ValidationError(errors)
