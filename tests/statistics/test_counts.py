"""Each count definition against records whose histories say who was a member on 31 December 2025
and why; the edition's checks pass on consistent records."""

from __future__ import annotations

from datetime import date

import pytest

from services.statistics.filling import tables_fill
from services.statistics.template import edition_for

from .conftest import YEAR, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def cells(world: World) -> dict[str, dict[str, dict[str, int]]]:
    return tables_fill(edition=edition_for(YEAR), year=YEAR).cells


def test_members_on_the_roll_at_the_reporting_date_by_history_not_todays_status(cells: dict) -> None:
    # veteran, new, stopped (left in 2026), arrived, confirmed; not "later" (joined 2026),
    # not "gone" (died 2024), not "leaver" (transferred out 2025).
    total = cells["t1"]["total"]
    assert total == {"total": 5, "male": 3, "female": 2, "minority": 1, "full": 4, "probationary": 1}
    assert cells["t1"]["student"]["total"] == 2
    assert cells["t1"]["faculty"] == {"total": 2, "male": 0, "female": 2, "minority": 1, "full": 2, "probationary": 0}
    assert cells["t1"]["staff"]["total"] == 1
    assert cells["t1"]["retiree"]["total"] == 0


def test_education_bands_partition_the_free_text(cells: dict) -> None:
    assert cells["t2"]["total"] == {
        "total": 5, "postgraduate": 1, "undergraduate": 2, "college": 1, "secondary": 1, "unknown": 0,
    }  # fmt: skip


def test_age_bands_in_whole_years_at_the_reporting_date(cells: dict) -> None:
    # 22 and 23 (students), 35 (born 1990-02-01), 45, 57 (born 1968-12-31: 57 on 2025-12-31).
    assert cells["t3"]["total"] == {
        "total": 5, "to30": 2, "31to35": 1, "36to45": 1, "46to55": 0, "56to60": 1, "over60": 0,
    }  # fmt: skip


def test_length_of_membership_bands(cells: dict) -> None:
    # joined 2025-06 and 2024-09 (under 5), 2015-01 (10), 2010-05 (15), 1990-07 (35).
    assert cells["t4"]["total"] == {
        "total": 5, "under5": 2, "5to10": 0, "10to20": 2, "20to30": 0, "30plus": 1, "unknown": 0,
    }  # fmt: skip


def test_development_counts_the_stages_begun_in_the_year(cells: dict) -> None:
    assert cells["t5"]["total"] == {"applicants": 1, "activists": 1, "targets": 0, "admitted": 1, "confirmed": 0}
    assert cells["t5"]["student"]["admitted"] == 1
    assert cells["t5"]["faculty"]["applicants"] == 0


def test_changes_in_the_year_by_reason_balance(cells: dict) -> None:
    assert cells["t6"]["total"] == {
        "start": 4, "admitted": 1, "arrived": 1, "deceased": 0, "stopped": 0, "transferred_out": 1, "end": 5,
        "confirmed": 1,
    }  # fmt: skip


def test_appraisal_results_of_the_year(cells: dict) -> None:
    assert cells["t7"]["total"] == {"total": 2, "excellent": 1, "qualified": 1, "basic": 0, "unqualified": 0}
    assert cells["t7"]["faculty"]["excellent"] == 1


def test_training_counts_approved_external_training_of_members_on_the_roll(cells: dict) -> None:
    assert cells["t8"]["total"]["trained"] == 1
    assert cells["t8"]["total"]["training_hours"] == 12
    assert cells["t8"]["total"]["studied"] == 1
    assert cells["t8"]["total"]["met"] == 0  # 12 of the 32 class hours a member owes


def test_every_check_passes_on_consistent_records(world: World) -> None:
    filled = tables_fill(edition=edition_for(YEAR), year=YEAR)
    assert filled.passed, [c.message for c in filled.failures]


def test_a_later_reporting_date_sees_the_later_changes(world: World) -> None:
    cells = tables_fill(edition=edition_for(2026), year=2026, on=date(2026, 3, 31)).cells
    # "later" joined 2026-03-01; "stopped" left 2026-02-01.
    assert cells["t1"]["total"]["total"] == 5
    assert cells["t6"]["total"]["stopped"] == 1
    assert cells["t6"]["total"]["admitted"] == 1


def test_filling_costs_the_same_queries_whatever_the_number_of_members(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MemberFactory

    edition = edition_for(YEAR)
    with CaptureQueriesContext(connection) as few:
        tables_fill(edition=edition, year=YEAR)
    for _ in range(20):
        MemberFactory(branch=world.branch, joined_on=date(2012, 1, 1), confirmed_on=date(2013, 1, 1))
    with CaptureQueriesContext(connection) as more:
        tables_fill(edition=edition, year=YEAR)
    assert len(more.captured_queries) == len(few.captured_queries) <= 30
