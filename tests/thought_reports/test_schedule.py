"""Due dates: every three months before admission, four during a twelve-month probation, none
after confirmation; a report answers the first due date on or after its first submission."""

from __future__ import annotations

from datetime import date

import pytest

from services.thought_reports.schedule import Stages, cadence, due_dates, due_for

pytestmark = pytest.mark.django_db


def test_quarterly_before_admission_four_during_probation_none_after(inst_a: object) -> None:
    rules = cadence(on=date(2026, 1, 1))
    stages = Stages(date(2024, 1, 15), date(2025, 1, 10), date(2026, 1, 10), date(2026, 1, 20))
    dates = due_dates(stages, rules=rules, until=date(2027, 1, 1))
    assert [d for d in dates if d <= date(2025, 1, 10)] == [date(2024, 4, 15), date(2024, 7, 15), date(2024, 10, 15)]
    probation = [d for d in dates if d > date(2025, 1, 10)]
    assert probation == [date(2025, 4, 10), date(2025, 7, 10), date(2025, 10, 10), date(2026, 1, 10)]
    assert due_for(stages, rules=rules, submitted_on=date(2025, 5, 1)) == date(2025, 7, 10)
    assert due_for(stages, rules=rules, submitted_on=date(2026, 2, 1)) is None
