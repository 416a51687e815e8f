"""The metrics the platform computes per unit from its own data: what the committee's facts
(services/oversight/facts.py) publish and what an indicator's automatic evidence names
(issue 15). One registry, so that a score and the dashboard never hold two definitions of one
figure.

A capability offers a metric by a line in ``METRICS``: its name ("<capability>.<what>"), a label
for people and the function that computes it for a year, from the same selectors the
capability's own pages use. This floor sits above every workflow and below oversight and the
standardization scoring that read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from services.exams.figures import unit_figures as exam_figures
from services.kernel.figures import UnitFigure
from services.study.figures import unit_figures as study_figures
from services.thought_reports.figures import unit_figures as thought_report_figures

Source = Callable[..., list[UnitFigure]]


@dataclass(frozen=True)
class Metric:
    label: str | Promise
    compute: Source  # (*, year) -> one UnitFigure per branch


class UnknownMetric(LookupError):
    pass


# name -> Metric. Read when a job runs, so that a test can add one.
METRICS: dict[str, Metric] = {
    # Members meeting the year's study hours, of the members on the roll (docs/study.md).
    "study.hours_met": Metric(_("学时达标率"), study_figures),
    # Papers submitted, of the papers drawn for the year's exams (docs/exams.md).
    "exams.took_part": Metric(_("参考率"), exam_figures),
    # Ideological reports submitted by their due date, of the due dates passed (docs/thought_reports.md).
    "thought_reports.on_time": Metric(_("思想汇报按时率"), thought_report_figures),
}


def metric(name: str) -> Metric:
    """The metric called ``name``; ``UnknownMetric`` (with the name) when there is none."""
    try:
        return METRICS[name]
    except KeyError:
        raise UnknownMetric(name) from None
