"""Setting an exam: its window, limit, attempts and paper rules, then publishing it (docs/exams.md
"Exams"). An exam can be changed until its papers are drawn; publishing checks that the bank can
serve the rules, and an exam whose window has already begun has its papers drawn at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.organization.scope import require_manage, scope_for

from .audit_events import EVENT_EXAM_PUBLISHED, EVENT_EXAM_SAVED
from .models import Exam
from .papers import DRAW_AHEAD, papers_draw, pool_rows, rule_problems, rules_of

MAX_LIMIT_MINUTES = 600
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class ExamInput:
    title: str
    opens_at: datetime
    closes_at: datetime
    time_limit_minutes: int
    attempts_allowed: int = 1
    rules: tuple[dict[str, Any], ...] = ()
    description: str = ""
    is_contest: bool = False


def exam_problems(data: ExamInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not data.title.strip():
        problems["title"] = _("请填写考试名称。")
    if data.closes_at <= data.opens_at:
        problems["closes_at"] = _("结束时间应晚于开始时间。")
    if not 1 <= data.time_limit_minutes <= MAX_LIMIT_MINUTES:
        problems["time_limit_minutes"] = _("答题时限应为 1 到 %(max)s 分钟。") % {"max": MAX_LIMIT_MINUTES}
    if not 1 <= data.attempts_allowed <= MAX_ATTEMPTS:
        problems["attempts_allowed"] = _("答题次数应为 1 到 %(max)s 次。") % {"max": MAX_ATTEMPTS}
    return problems


def exams_kept(*, acting_user: Any) -> QuerySet[Exam]:
    """The exams of the units ``acting_user`` manages (PermissionDenied for anyone else)."""
    scope = scope_for(acting_user)
    if not scope.is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能管理考试。"))
    return Exam.objects.filter(scope.units_q("unit__", manage=True)).select_related("unit")


def exam_save(*, acting_user: Any, unit: OrgUnit, data: ExamInput, exam: Exam | None = None) -> Exam:
    """Create an exam of ``unit`` (a draft), or change one whose papers are not drawn yet."""
    target = exam.unit if exam is not None else unit
    require_manage(acting_user=acting_user, unit=target, message=_("您无权管理“%(unit)s”的考试。"))
    problems = exam_problems(data)
    if problems:
        raise ValidationError(problems)
    fields = {
        "title": data.title.strip()[:100],
        "description": data.description.strip(),
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
        "time_limit_minutes": data.time_limit_minutes,
        "attempts_allowed": data.attempts_allowed,
        "rules": [dict(r) for r in data.rules],
        "is_contest": data.is_contest,
    }
    with transaction.atomic():
        if exam is None:
            exam = Exam.objects.create(unit=target, created_by=acting_user, **fields)
        else:
            exam = Exam.objects.select_for_update().get(pk=exam.pk)
            if exam.status not in (Exam.Status.DRAFT, Exam.Status.PUBLISHED):
                raise ValidationError(_("试卷已生成，考试不能再修改。"))
            for name, value in fields.items():
                setattr(exam, name, value)
            exam.save()
        if exam.status == Exam.Status.PUBLISHED:
            _check_rules(exam)
        audit_record(
            event=EVENT_EXAM_SAVED,
            actor=acting_user,
            target=exam,
            after={"title": exam.title, "opens_at": exam.opens_at.isoformat(), "rules": exam.rules},
        )
    return exam


def _check_rules(exam: Exam) -> None:
    problems = rule_problems(rules_of(exam), pool_rows(exam))
    if problems:
        raise ValidationError({"rules": problems})


def exam_publish(*, acting_user: Any, exam: Exam) -> Exam:
    """Publish a draft: members see it as upcoming; papers are drawn before it opens (at once if
    it opens within minutes)."""
    require_manage(acting_user=acting_user, unit=exam.unit, message=_("您无权管理“%(unit)s”的考试。"))
    with transaction.atomic():
        locked = Exam.objects.select_for_update().select_related("unit").get(pk=exam.pk)
        if locked.status != Exam.Status.DRAFT:
            raise ValidationError(_("该考试已发布。"))
        if locked.closes_at <= timezone.now():
            raise ValidationError({"closes_at": _("考试的结束时间已过，请先修改时间。")})
        _check_rules(locked)
        locked.status = Exam.Status.PUBLISHED
        locked.save(update_fields=["status"])
        audit_record(
            event=EVENT_EXAM_PUBLISHED,
            actor=acting_user,
            target=locked,
            after={"opens_at": locked.opens_at.isoformat(), "closes_at": locked.closes_at.isoformat()},
        )
        if locked.opens_at <= timezone.now() + DRAW_AHEAD:
            papers_draw(exam=locked)
    return locked
