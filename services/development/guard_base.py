"""What every development guard is made of, and the guards that read no rule.

- ``Guard`` (the value a guard returns: state, what is missing, the rule key and citation),
  ``RuleBook`` (how guards read the rule set), ``add_months`` and the dossier's recorded steps
  and contacts (from prefetched rows: no query per dossier);
- the guards whose condition no rule value decides: a step the procedure requires
  (``REQUIRED_STEPS``: political review, pre-review, volunteer form, confirmation application) and
  "every step reviewed". They cite their own article and no rule key: a guard only ever names a
  rule it reads (tests/development/test_guard_citations.py checks every guard).

Re-exported by guards.py, where the guards that read rules live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.rules.resolver import RuleValue, rules_for

from .models import Dossier, DossierContact, DossierStep

PASSED, WAITING, FAILED = "passed", "waiting", "failed"

RULE_KEYS = (
    "development.min_age",
    "development.application_talk_months",
    "development.contact_persons_min",
    "development.contact_persons_max",
    "development.activist_assessment_months",
    "development.activist_min_months",
    "development.sponsors",
    "development.training_min_days",
    "development.training_min_hours",
    "development.publicity_working_days",
    "development.approval_months",
    "development.approval_max_months",
    "probation.months",
    "probation.extension_min_months",
    "probation.extension_max_months",
    "probation.extension_max_times",
)


@dataclass(frozen=True)
class Guard:
    code: str  # "age", "talk", ...
    title: str
    state: str  # PASSED / WAITING / FAILED
    missing: str  # what is missing, in Chinese ("" when passed)
    rule_key: str
    # The rule's explanation (title (key): citation, or the institution's reason); for a guard that
    # reads no rule (rule_key ""), the article that requires it.
    citation: str
    satisfied_on: date | None = None  # when it will hold by waiting (None: by recording something)
    due_on: date | None = None  # the deadline it watches, if any
    blocking: bool = True  # does it stop the next stage?

    @property
    def passed(self) -> bool:
        return self.state == PASSED

    @property
    def failed(self) -> bool:
        return self.state == FAILED


class RuleBook:
    """Resolves rules for guards. ``fixed_on``: resolve every key once on that date (board);
    otherwise each lookup resolves the key on the date asked (two queries per distinct date)."""

    def __init__(self, *, fixed_on: date | None = None) -> None:
        self.fixed_on = fixed_on
        self._by_date: dict[date, dict[str, RuleValue]] = {}

    def __call__(self, key: str, on: date) -> RuleValue:
        when = self.fixed_on or on
        if when not in self._by_date:
            self._by_date[when] = rules_for(RULE_KEYS, on=when)
        return self._by_date[when][key]


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; the 31st lands on the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    return day + relativedelta(months=months)


def _guard(code: str, title: str, state: str, missing: str, rule: RuleValue, **extra: object) -> Guard:
    return Guard(
        code=code,
        title=title,
        state=state,
        missing="" if state == PASSED else missing,
        rule_key=rule.key,
        citation=rule.explanation,
        **extra,  # type: ignore[arg-type]
    )


# --- what a dossier has recorded (from prefetched steps and contacts: no query per dossier) --------


def live_steps(dossier: Dossier) -> list[DossierStep]:
    """The dossier's steps that count: everything but rejected ones (prefetch ``steps`` first)."""
    return [step for step in dossier.steps.all() if step.review != DossierStep.Review.REJECTED]


def steps_with(dossier: Dossier, code: str) -> list[DossierStep]:
    return sorted((s for s in live_steps(dossier) if s.code == code), key=lambda s: (s.occurred_on, s.pk or 0))


def active_contacts(dossier: Dossier, role: str) -> list[DossierContact]:
    return [c for c in dossier.contacts.all() if c.role == role and c.ended_on is None]


# --- guards that read no rule ---------------------------------------------------------------------


def recorded_guard(dossier: Dossier, *, code: str, title: str, citation: str) -> Guard:
    """A step that must be recorded (political review, pre-review, volunteer form...). No rule
    value is read: it cites the article that requires the step (``REQUIRED_STEPS``), no rule key."""
    missing = "" if steps_with(dossier, code) else _("尚未记录“%(title)s”。") % {"title": title}
    state = WAITING if missing else PASSED
    return Guard(code=code, title=title, state=state, missing=missing, rule_key="", citation=citation)


# Steps that must be recorded before a stage, with the article that requires them: no rule value
# decides them, so their guards cite the article and no rule key.
REQUIRED_STEPS: dict[str, tuple[Promise, Promise]] = {
    "political_review": (
        gettext_lazy("政治审查"),
        gettext_lazy("《中国共产党发展党员工作细则》(2014) 第十六条：党组织必须对发展对象进行政治审查"),
    ),
    "pre_review": (
        gettext_lazy("上级党委预审"),
        gettext_lazy(
            "《中国共产党发展党员工作细则》(2014) 第十九条：支部委员会审查合格后，报具有审批权限的基层党委预审"
        ),
    ),
    "volunteer_form": (
        gettext_lazy("填写入党志愿书"),
        gettext_lazy(
            "《中国共产党章程》第五条：申请入党的人，要填写入党志愿书；《中国共产党发展党员工作细则》(2014) 第十九条"
        ),
    ),
    "confirmation_application": (
        gettext_lazy("提出转正申请"),
        gettext_lazy("《中国共产党发展党员工作细则》(2014)：预备期满，预备党员本人向党支部提出书面转正申请"),
    ),
}


def required_step_guard(dossier: Dossier, code: str) -> Guard:
    title, citation = REQUIRED_STEPS[code]
    return recorded_guard(dossier, code=code, title=str(title), citation=str(citation))


def review_guard(dossier: Dossier, *, on: date, rules: RuleBook | None = None) -> Guard:
    """ "一步一审": every recorded step has been reviewed by a manager before the next stage."""
    pending = [s for s in dossier.steps.all() if s.review == DossierStep.Review.RECORDED]
    title = _("各步骤已审核")
    missing = _("有 %(n)s 个步骤待审核：%(titles)s。") % {
        "n": len(pending),
        "titles": "、".join(s.title for s in pending[:5]),
    }
    return Guard(
        code="review",
        title=title,
        state=PASSED if not pending else WAITING,
        missing="" if not pending else missing,
        rule_key="",
        citation=_("一人一档、一事一记、一步一审：每个步骤经管理人员审核后方可进入下一阶段（本平台的纪实要求）"),
    )
