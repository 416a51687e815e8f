"""The metrics the platform computes per unit from its own data: what the committee's facts
(services/oversight/facts.py, docs/oversight.md) publish and what an indicator's automatic
evidence names (issue 15). One registry, so that a score and the dashboard never hold two
definitions of one figure.

A capability offers a metric by a line in ``METRICS``: its name ("<capability>.<what>", a
contract others reference: never rename one), a label for people and the function that computes
it for a year from the same selectors the capability's own pages use (its ``figures.py``). Each
function returns one ``UnitFigure`` per unit it has data for, usually a branch; the facts job
adds them up the tree. This floor sits above every workflow and below oversight and the
standardization scoring that read it.

How a metric is read:
- ``kind``: ``RATE`` — a numerator over a denominator; ``COUNT`` — a pure count: the source
  returns ``UnitFigure(unit, n, n)`` and the facts hold ``numerator = n, denominator = NULL``.
- ``of_people``: the denominator (a count's number) counts people, so a small one is suppressed
  (``UnitFact.SMALL_COUNT``: no one person's answer can be read). False where it counts units
  (branches, terms): nothing about a person can be read from "2 of 3 branches".
- ``monthly``: also computed per month (``(*, year) -> {month: [UnitFigure]}``), published with
  periods "YYYY-MM" for the trends.
- ``snapshot``: read from today's state (the roll, the tree) with no history, so published for
  the current year only; last year's rows keep what the last run of that year found.
- ``rules``: the keys of the rule set the computation reads; the facts job publishes the version
  of each it was computed under (``services/oversight/fact_rules.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from services.development.figures import rules_kept_figures
from services.development.guard_base import RULE_KEYS as DEVELOPMENT_RULES
from services.documents.figures import notices_signed_figures
from services.dues.figures import collected_by_month, collected_figures
from services.exams.figures import unit_figures as exam_figures
from services.kernel.figures import UnitFigure
from services.members.figures import on_roll_figures, probationary_figures
from services.organization.figures import branch_count_figures, committee_figures, size_figures, terms_figures
from services.organization.warnings import RULE_KEYS as ORGANIZATION_RULES
from services.orglife.compliance import KIND_RULES, REQUIRED_KINDS
from services.orglife.figures import held_by_month, held_figures, kind_figures
from services.study.figures import unit_figures as study_figures
from services.study.hours import CADRE_HOURS, CLASS_MINUTES, MEMBER_HOURS
from services.thought_reports.figures import reviewed_figures
from services.thought_reports.figures import unit_figures as thought_report_figures
from services.thought_reports.schedule import RULE_KEYS as REPORT_SCHEDULE_RULES

Source = Callable[..., list[UnitFigure]]
MonthlySource = Callable[..., dict[int, list[UnitFigure]]]

RATE = "rate"
COUNT = "count"


@dataclass(frozen=True)
class Metric:
    label: str | Promise
    compute: Source  # (*, year) -> one UnitFigure per unit with data (usually a branch)
    kind: str = RATE
    of_people: bool = True
    monthly: MonthlySource | None = None  # (*, year) -> {month: [UnitFigure]}
    snapshot: bool = False
    rules: tuple[str, ...] = ()  # the rule keys it reads


class UnknownMetric(LookupError):
    pass


# The meeting kinds with a frequency rule each have their own figure: "orglife.held.<kind>".
_MEETING_LABELS = {
    "member_meeting": _("支部党员大会按期召开率"),
    "committee_meeting": _("支委会按期召开率"),
    "group_meeting": _("党小组会按期召开率"),
    "lecture": _("党课按期开展率"),
    "theme_day": _("主题党日按期开展率"),
    "life_meeting": _("组织生活会按期召开率"),
    "appraisal": _("民主评议按期开展率"),
}

# The rules of the branch structure warnings each organization metric reads (by their local names).
_COMMITTEE_RULES = (
    ORGANIZATION_RULES["org.branch.committee_from_full_members"],
    ORGANIZATION_RULES["org.branch.committee_min_positions"],
)
_SIZE_RULES = (ORGANIZATION_RULES["org.branch.min_full_members"], ORGANIZATION_RULES["org.branch.max_members"])

# name -> Metric. Read when a job runs, so that a test can add one.
METRICS: dict[str, Metric] = {
    # Members meeting the year's study hours, of the members on the roll (docs/study.md).
    "study.hours_met": Metric(_("学时达标率"), study_figures, rules=(MEMBER_HOURS, CADRE_HOURS, CLASS_MINUTES)),
    # Papers submitted, of the papers drawn for the year's exams (docs/exams.md).
    "exams.took_part": Metric(_("参考率"), exam_figures),
    # Ideological reports submitted by their due date, of the due dates passed (docs/thought_reports.md).
    "thought_reports.on_time": Metric(_("思想汇报按时率"), thought_report_figures, rules=REPORT_SCHEDULE_RULES),
    # Reports reviewed within thought_reports.review_days, of the reports submitted (docs/oversight.md).
    "thought_reports.reviewed_on_time": Metric(
        _("思想汇报按时审阅率"), reviewed_figures, rules=("thought_reports.review_days",)
    ),
    # Meeting periods held, of the periods required, every kind (docs/orglife.md#compliance-and-plans).
    "orglife.held": Metric(
        _("组织生活按期开展率"), held_figures, monthly=held_by_month, rules=tuple(KIND_RULES[k] for k in REQUIRED_KINDS)
    ),
    **{
        f"orglife.held.{kind}": Metric(_MEETING_LABELS[str(kind)], kind_figures(kind), rules=(KIND_RULES[kind],))
        for kind in REQUIRED_KINDS
    },
    # Member-months settled, of the member-months billed (docs/dues.md).
    "dues.collected": Metric(_("党费收缴率"), collected_figures, monthly=collected_by_month),
    # Stage moves that kept every guard without an overridden rule, of all moves (docs/development.md).
    "development.rules_kept": Metric(_("发展党员合规率"), rules_kept_figures, rules=DEVELOPMENT_RULES),
    # Branches with a committee (≥ branch.committee_min_positions members), of the branches with
    # ≥ branch.committee_threshold full members.
    "organization.committee_in_place": Metric(
        _("支委会设置率"), committee_figures, of_people=False, snapshot=True, rules=_COMMITTEE_RULES
    ),
    # Terms renewed by their end, of the terms that ended in the year.
    "organization.terms_on_time": Metric(_("按期换届率"), terms_figures, of_people=False),
    # Branches within branch.min_full_members and branch.max_members, of the open branches.
    "organization.size_ok": Metric(
        _("支部规模达标率"), size_figures, of_people=False, snapshot=True, rules=_SIZE_RULES
    ),
    # Members who signed the committee's notices of the year, of the members expected to (docs/documents.md).
    "documents.notices_signed": Metric(_("通知签收率"), notices_signed_figures),
    # Counts.
    "members.on_roll": Metric(_("党员数"), on_roll_figures, kind=COUNT, snapshot=True),
    "members.probationary": Metric(_("预备党员数"), probationary_figures, kind=COUNT, snapshot=True),
    "organization.branches": Metric(_("党支部数"), branch_count_figures, kind=COUNT, of_people=False, snapshot=True),
}


def metric(name: str) -> Metric:
    """The metric called ``name``; ``UnknownMetric`` (with the name) when there is none."""
    try:
        return METRICS[name]
    except KeyError:
        raise UnknownMetric(name) from None
