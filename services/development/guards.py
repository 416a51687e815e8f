"""Guards of the development procedure (docs/domain.md#development): each one reads a rule of the rule set and
answers whether a condition holds, what is missing (in Chinese), when it will hold, and which rule
(key and citation) says so — always a rule it read: where it reads two (a range), the one that
decided. The guards that read no rule (a required step, every step reviewed) are in guard_base.py
and cite their article instead.

A guard is a value, not an exception: the page shows every guard of the next step, and the service
refuses to advance the stage while a blocking guard has not passed (``require``).

States:
- ``passed``: the condition holds;
- ``waiting``: not yet, and nothing is late: it will hold on ``satisfied_on`` or once something is
  recorded (a talk, a training);
- ``failed``: a deadline has passed or a condition was violated (a late talk, a short publicity):
  the board shows a red flag.

Rules are read through a ``RuleBook``: by default each rule is resolved on the date it applies to
(the application date for the age), and a page that shows many dossiers resolves them all once
(``RuleBook(fixed_on=today)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from services.rules.resolver import RuleValue
from services.workdays.calendar import CalendarNotPublished, add_working_days, working_days_between

# What guards are made of, and the guards that read no rule (callers use them as ``g.<name>``).
from .guard_base import (
    FAILED,
    PASSED,
    WAITING,
    Guard,
    RuleBook,
    _guard,
    active_contacts,
    add_months,
    required_step_guard,
    review_guard,
    steps_with,
)
from .models import Dossier, DossierContact, Stage

# --- deadlines: what a guard checks against, and what the reminders announce -----------------------


class Deadline(NamedTuple):
    on: date  # the last day
    rule: RuleValue  # the rule that set it


def talk_deadline(*, applied_on: date, rules: RuleBook | None = None) -> Deadline:
    """The last day for the talk with an applicant: ``development.application_talk_months`` (1)
    after the application (the rule in force on the application date, unless the book is fixed)."""
    rule = (rules or RuleBook())("development.application_talk_months", applied_on)
    return Deadline(add_months(applied_on, rule.number), rule)


def assessment_deadline(*, last_assessed_on: date, today: date, rules: RuleBook | None = None) -> Deadline:
    """The day an activist's next assessment is due: ``development.activist_assessment_months``
    (6, the rule in force ``today``) after the last assessment (or becoming an activist)."""
    rule = (rules or RuleBook())("development.activist_assessment_months", today)
    return Deadline(add_months(last_assessed_on, rule.number), rule)


def approval_deadline(*, admitted_on: date, rules: RuleBook | None = None) -> Deadline:
    """The last day for the higher committee's approval: ``development.approval_months`` (3)
    after the admission vote (the rule in force on that date, unless the book is fixed)."""
    rule = (rules or RuleBook())("development.approval_months", admitted_on)
    return Deadline(add_months(admitted_on, rule.number), rule)


# --- the guards ------------------------------------------------------------------------------------


def age_guard(*, birth_date: date, applied_on: date, rules: RuleBook | None = None) -> Guard:
    """At least ``development.min_age`` (18) years old on the application date: the birthday that
    reaches the age, counted in whole years, is on or before the application date."""
    rule = (rules or RuleBook())("development.min_age", applied_on)
    adult_on = birth_date + relativedelta(years=rule.number)
    state = PASSED if adult_on <= applied_on else FAILED
    missing = _("申请日期 %(applied)s 未满 %(age)s 周岁（%(adult)s 年满），须年满后重新申请。") % {
        "applied": applied_on.isoformat(),
        "age": rule.number,
        "adult": adult_on.isoformat(),
    }
    return _guard(
        "age", _("申请时年满 %(age)s 周岁") % {"age": rule.number}, state, missing, rule, satisfied_on=adult_on
    )


def talk_guard(dossier: Dossier, *, today: date, rules: RuleBook | None = None) -> Guard:
    """A talk with the applicant within ``development.application_talk_months`` (1) of the
    application. No talk yet: waiting until the deadline, failed after it. A talk recorded after
    the deadline is a violation shown in red, but does not stop the dossier (the talk happened)."""
    deadline, rule = talk_deadline(applied_on=dossier.applied_on, rules=rules)
    title = _("申请后 %(n)s 个月内谈话") % {"n": rule.number}
    talks = steps_with(dossier, "talk")
    if talks:
        first = talks[0].occurred_on
        if first <= deadline:
            return _guard("talk", title, PASSED, "", rule, due_on=deadline)
        missing = _("谈话日期 %(talk)s 晚于期限 %(deadline)s。") % {
            "talk": first.isoformat(),
            "deadline": deadline.isoformat(),
        }
        return _guard("talk", title, FAILED, missing, rule, due_on=deadline, blocking=False)
    missing = _("尚未记录谈话，应在 %(deadline)s 前完成。") % {"deadline": deadline.isoformat()}
    return _guard("talk", title, FAILED if today > deadline else WAITING, missing, rule, due_on=deadline)


def contact_persons_guard(dossier: Dossier, *, on: date, rules: RuleBook | None = None) -> Guard:
    """One or two contact persons (``development.contact_persons_min``/``_max``), full members."""
    book = rules or RuleBook()
    low, high = book("development.contact_persons_min", on), book("development.contact_persons_max", on)
    count = len(active_contacts(dossier, DossierContact.Role.CONTACT))
    title = _("培养联系人 %(low)s–%(high)s 名") % {"low": low.number, "high": high.number}
    if low.number <= count <= high.number:
        return _guard("contact_persons", title, PASSED, "", low)
    missing = _("现有培养联系人 %(count)s 名，应为 %(low)s–%(high)s 名正式党员。") % {
        "count": count,
        "low": low.number,
        "high": high.number,
    }
    short = count < low.number  # the bound that is not met is the rule cited
    return _guard("contact_persons", title, WAITING if short else FAILED, missing, low if short else high)


def assessment_guard(dossier: Dossier, *, today: date, rules: RuleBook | None = None) -> Guard:
    """An activist is assessed every ``development.activist_assessment_months`` (6): the next
    assessment is due that long after the last one (or after becoming an activist). Not blocking."""
    assessments = steps_with(dossier, "activist_training")
    last = max([dossier.activist_on or dossier.applied_on, *(s.occurred_on for s in assessments)])
    due, rule = assessment_deadline(last_assessed_on=last, today=today, rules=rules)
    title = _("每 %(n)s 个月考察一次") % {"n": rule.number}
    missing = _("上次考察 %(last)s，下次考察应在 %(due)s 前完成。") % {"last": last.isoformat(), "due": due.isoformat()}
    state = PASSED if today <= due else FAILED
    return _guard("assessment", title, state, missing, rule, due_on=due, blocking=False)


def activist_period_guard(*, activist_on: date | None, on: date, rules: RuleBook | None = None) -> Guard:
    """At least ``development.activist_min_months`` (12) as an activist before becoming a
    development target: the decision date ``on`` is on or after activist_on + 12 months."""
    rule = (rules or RuleBook())("development.activist_min_months", on)
    title = _("培养考察满 %(n)s 个月") % {"n": rule.number}
    if activist_on is None:
        return _guard("activist_period", title, WAITING, _("尚未确定为入党积极分子。"), rule)
    eligible = add_months(activist_on, rule.number)
    missing = _("%(start)s 确定为积极分子，%(eligible)s 起方满 %(n)s 个月。") % {
        "start": activist_on.isoformat(),
        "eligible": eligible.isoformat(),
        "n": rule.number,
    }
    state = PASSED if eligible <= on else WAITING
    return _guard("activist_period", title, state, missing, rule, satisfied_on=eligible)


def sponsors_guard(dossier: Dossier, *, on: date, rules: RuleBook | None = None) -> Guard:
    """Exactly ``development.sponsors`` (2) sponsors, full members."""
    rule = (rules or RuleBook())("development.sponsors", on)
    count = len(active_contacts(dossier, DossierContact.Role.SPONSOR))
    title = _("%(n)s 名入党介绍人") % {"n": rule.number}
    missing = _("现有入党介绍人 %(count)s 名，应为 %(n)s 名正式党员。") % {"count": count, "n": rule.number}
    state = PASSED if count == rule.number else (WAITING if count < rule.number else FAILED)
    return _guard("sponsors", title, state, missing, rule)


def training_guard(dossier: Dossier, *, on: date, rules: RuleBook | None = None) -> Guard:
    """Centralized training of at least ``development.training_min_days`` (3) days or
    ``development.training_min_hours`` (24) class hours, summed over the training steps."""
    book = rules or RuleBook()
    days_rule, hours_rule = book("development.training_min_days", on), book("development.training_min_hours", on)
    trainings = steps_with(dossier, "training")
    days = sum(s.days or 0 for s in trainings)
    hours = sum((s.hours or Decimal(0) for s in trainings), Decimal(0))
    title = _("集中培训不少于 %(days)s 天或 %(hours)s 学时") % {"days": days_rule.number, "hours": hours_rule.number}
    if days >= days_rule.number:
        return _guard("training", title, PASSED, "", days_rule)
    if hours >= hours_rule.number:
        return _guard("training", title, PASSED, "", hours_rule)
    missing = _("已培训 %(days)s 天、%(hours)s 学时，不足 %(min_days)s 天或 %(min_hours)s 学时。") % {
        "days": days,
        "hours": f"{hours:g}",
        "min_days": days_rule.number,
        "min_hours": hours_rule.number,
    }
    return _guard("training", title, WAITING, missing, hours_rule)


def publicity_guard(*, start: date | None, end: date | None, rules: RuleBook | None = None) -> Guard:
    """A publicity period (公示) of at least ``development.publicity_working_days`` (5) working days,
    counted on the Chinese working-day calendar (statutory holidays off, adjusted workdays on),
    both ends included. It is complete at the end of ``add_working_days(start, 5)``."""
    rule = (rules or RuleBook())("development.publicity_working_days", start or date.today())
    title = _("公示不少于 %(n)s 个工作日") % {"n": rule.number}
    if start is None:
        return _guard("publicity", title, WAITING, _("尚未公示（在“支部委员会审查”步骤记录公示起止日期）。"), rule)
    try:
        earliest_end = add_working_days(start, rule.number)
        counted = working_days_between(start, end) if end else 0
    except CalendarNotPublished as exc:
        return _guard("publicity", title, WAITING, str(exc), rule)
    if end is None:
        missing = _("公示自 %(start)s 开始，%(end)s 期满 %(n)s 个工作日。") % {
            "start": start.isoformat(),
            "end": earliest_end.isoformat(),
            "n": rule.number,
        }
        return _guard("publicity", title, WAITING, missing, rule, satisfied_on=earliest_end)
    missing = _("公示 %(start)s 至 %(end)s 只有 %(count)s 个工作日，应至少到 %(earliest)s。") % {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "count": counted,
        "earliest": earliest_end.isoformat(),
    }
    state = PASSED if counted >= rule.number else FAILED
    return _guard("publicity", title, state, missing, rule, satisfied_on=earliest_end)


def publicity_of(dossier: Dossier) -> tuple[date | None, date | None]:
    """The publicity period is recorded on the "committee_review" step: first and last day."""
    reviews = steps_with(dossier, "committee_review")
    if not reviews:
        return None, None
    last = reviews[-1]
    return last.occurred_on, last.ends_on


def approval_guard(
    *, admitted_on: date | None, approved_on: date | None, today: date, rules: RuleBook | None = None
) -> Guard:
    """The higher committee approves within ``development.approval_months`` (3) of the admission
    vote (``approved_on <= admitted_on + 3 months``). Past that, the branch must vote again; past
    ``development.approval_max_months`` (6) the approval is out of time altogether."""
    book = rules or RuleBook()
    base = admitted_on or today
    rule, max_rule = book("development.approval_months", base), book("development.approval_max_months", base)
    title = _("支部党员大会后 %(n)s 个月内审批") % {"n": rule.number}
    if admitted_on is None:
        return _guard("approval", title, WAITING, _("尚未通过接收预备党员的表决。"), rule)
    deadline, latest = (
        approval_deadline(admitted_on=admitted_on, rules=book).on,
        add_months(admitted_on, max_rule.number),
    )
    if approved_on is not None:
        if approved_on <= deadline:
            return _guard("approval", title, PASSED, "", rule, due_on=deadline)
        if approved_on <= latest:
            missing = _("审批日期 %(approved)s 超过 %(n)s 个月期限（%(deadline)s），须支部党员大会重新表决。") % {
                "approved": approved_on.isoformat(),
                "n": rule.number,
                "deadline": deadline.isoformat(),
            }
            return _guard("approval", title, FAILED, missing, rule, due_on=deadline)
        missing = _("审批日期 %(approved)s 超过最长 %(n)s 个月期限（%(latest)s）。") % {
            "approved": approved_on.isoformat(),
            "n": max_rule.number,
            "latest": latest.isoformat(),
        }
        return _guard("approval", title, FAILED, missing, max_rule, due_on=latest)
    missing = _("待上级党委审批，期限 %(deadline)s。") % {"deadline": deadline.isoformat()}
    return _guard("approval", title, FAILED if today > deadline else WAITING, missing, rule, due_on=deadline)


def probation_end(*, admitted_on: date, extension_months: int | None, rules: RuleBook | None = None) -> date:
    """The end of probation: ``probation.months`` (12) after the meeting that admitted the
    person, plus an extension if there is one."""
    rule = (rules or RuleBook())("probation.months", admitted_on)
    return add_months(admitted_on, rule.number + (extension_months or 0))


def probation_guard(dossier: Dossier, *, on: date, rules: RuleBook | None = None) -> Guard:
    """Confirmation only once probation has ended: ``on`` >= the probation end date."""
    book = rules or RuleBook()
    rule = book("probation.months", dossier.admitted_on or on)
    title = _("预备期满（%(n)s 个月）") % {"n": rule.number}
    if dossier.admitted_on is None:
        return _guard("probation", title, WAITING, _("尚未接收为预备党员。"), rule)
    ends = probation_end(admitted_on=dossier.admitted_on, extension_months=dossier.extension_months, rules=book)
    missing = _("预备期 %(ends)s 期满。") % {"ends": ends.isoformat()}
    return _guard("probation", title, PASSED if ends <= on else WAITING, missing, rule, satisfied_on=ends, due_on=ends)


def extension_guard(dossier: Dossier, *, months: int, on: date, rules: RuleBook | None = None) -> Guard:
    """Probation may be extended once (``probation.extension_max_times``) by
    ``probation.extension_min_months`` (6) to ``probation.extension_max_months`` (12) months."""
    book = rules or RuleBook()
    low, high = book("probation.extension_min_months", on), book("probation.extension_max_months", on)
    times = book("probation.extension_max_times", on)
    title = _("延长预备期 %(low)s–%(high)s 个月，限一次") % {"low": low.number, "high": high.number}
    if dossier.extension_months and times.number <= 1:
        return _guard("extension", title, FAILED, _("预备期已延长过一次，不能再次延长。"), times)
    if not low.number <= months <= high.number:
        missing = _("延长 %(months)s 个月不符合规定，应为 %(low)s–%(high)s 个月。") % {
            "months": months,
            "low": low.number,
            "high": high.number,
        }
        return _guard("extension", title, FAILED, missing, low if months < low.number else high)
    return _guard("extension", title, PASSED, "", high)


# --- which guards stand before each stage ----------------------------------------------------------


def guards_for(dossier: Dossier, *, to_stage: str, on: date, today: date, rules: RuleBook | None = None) -> list[Guard]:
    """The guards of moving ``dossier`` into ``to_stage`` on ``on`` (the decision or meeting date).
    Needs ``steps`` and ``contacts`` prefetched (or it queries them)."""
    book = rules or RuleBook()
    if to_stage == Stage.ACTIVIST:
        return [
            age_guard(birth_date=dossier.birth_date, applied_on=dossier.applied_on, rules=book),
            talk_guard(dossier, today=today, rules=book),
            review_guard(dossier, on=on, rules=book),
        ]
    if to_stage == Stage.TARGET:
        return [
            activist_period_guard(activist_on=dossier.activist_on, on=on, rules=book),
            contact_persons_guard(dossier, on=on, rules=book),
            # Assessed as of the decision: the assessments that were due by then.
            assessment_guard(dossier, today=min(today, on), rules=book),
            review_guard(dossier, on=on, rules=book),
        ]
    if to_stage == Stage.PROBATIONARY:
        start, end = publicity_of(dossier)
        return [
            sponsors_guard(dossier, on=on, rules=book),
            required_step_guard(dossier, "political_review"),
            training_guard(dossier, on=on, rules=book),
            publicity_guard(start=start, end=end, rules=book),
            required_step_guard(dossier, "pre_review"),
            required_step_guard(dossier, "volunteer_form"),
            review_guard(dossier, on=on, rules=book),
        ]
    if to_stage == Stage.FULL:
        approvals = steps_with(dossier, "approval")
        return [
            approval_guard(
                admitted_on=dossier.admitted_on,
                approved_on=approvals[0].occurred_on if approvals else None,
                today=today,
                rules=book,
            ),
            probation_guard(dossier, on=on, rules=book),
            required_step_guard(dossier, "confirmation_application"),
            review_guard(dossier, on=on, rules=book),
        ]
    return []


NEXT_STAGE = {
    Stage.APPLICANT: Stage.ACTIVIST,
    Stage.ACTIVIST: Stage.TARGET,
    Stage.TARGET: Stage.PROBATIONARY,
    Stage.PROBATIONARY: Stage.FULL,
}


def current_guards(dossier: Dossier, *, today: date, rules: RuleBook | None = None) -> list[Guard]:
    """What the dossier's page and the board show: the guards of the next stage, as of today."""
    to_stage = NEXT_STAGE.get(Stage(dossier.stage))
    if to_stage is None:
        return []
    return guards_for(dossier, to_stage=to_stage, on=today, today=today, rules=rules)


def blocking_failures(guards: Iterable[Guard]) -> list[Guard]:
    return [g for g in guards if g.blocking and not g.passed]


def require(guards: Iterable[Guard]) -> None:
    """Raise a ValidationError (Chinese, one line per guard) when a blocking guard has not passed."""
    failures = blocking_failures(guards)
    if failures:
        raise ValidationError(
            [
                _("%(title)s：%(missing)s（依据：%(citation)s）")
                % {"title": g.title, "missing": g.missing, "citation": g.citation}
                for g in failures
            ]
        )
