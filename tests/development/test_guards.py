"""Every guard at its boundaries (docs/domain.md#development): exactly the limit passes, one day short does not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from services.development import contacts, services
from services.development import guards as g
from services.development.models import Dossier
from services.rule_overrides.models import RuleOverride
from tenants.models import Institution
from tests.conftest import in_schema
from tests.development.helpers import (
    ADMISSION,
    World,
    admit,
    apply,
    build_world,
    prepare_confirmation,
    record,
)

REG = "《中国共产党发展党员工作细则》(2014)"


@pytest.fixture
def world(inst_a: Institution) -> World:
    with in_schema(inst_a):
        return build_world()


# --- age ------------------------------------------------------------------------------------------


def test_exactly_18_on_the_application_date_passes(inst_a: Institution) -> None:
    with in_schema(inst_a):
        guard = g.age_guard(birth_date=date(2006, 5, 10), applied_on=date(2024, 5, 10))
    assert guard.passed
    assert guard.rule_key == "development.min_age" and "第五条" in guard.citation


def test_one_day_short_of_18_fails_and_says_when(inst_a: Institution) -> None:
    with in_schema(inst_a):
        guard = g.age_guard(birth_date=date(2006, 5, 10), applied_on=date(2024, 5, 9))
    assert guard.failed and guard.satisfied_on == date(2024, 5, 10)
    assert "未满 18 周岁" in guard.missing and "2024-05-10" in guard.missing


def test_an_application_under_18_is_refused(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        with pytest.raises(ValidationError) as excinfo:
            apply(world, applied_on=date(2024, 5, 9), born=date(2006, 5, 10))
        assert "未满 18 周岁" in str(excinfo.value)
        assert not Dossier.objects.exists()
        assert apply(world, applied_on=date(2024, 5, 10), born=date(2006, 5, 10)).stage == "applicant"


# --- talk -----------------------------------------------------------------------------------------


def test_a_talk_on_the_last_day_of_the_month_passes_and_the_next_day_is_late(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world, applied_on=date(2025, 1, 31))
        record(world, dossier, "talk", date(2025, 3, 1))
        late = g.talk_guard(Dossier.objects.get(pk=dossier.pk), today=date(2025, 3, 2))
        assert late.failed and not late.blocking and "2025-02-28" in late.missing
        on_time = apply(world, applied_on=date(2025, 1, 31), name="李准时", born=date(2001, 1, 1))
        record(world, on_time, "talk", date(2025, 2, 28))
        assert g.talk_guard(Dossier.objects.get(pk=on_time.pk), today=date(2025, 3, 2)).passed


def test_no_talk_waits_until_the_deadline_then_fails(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = Dossier.objects.get(pk=apply(world, applied_on=date(2025, 1, 10)).pk)
        assert g.talk_guard(dossier, today=date(2025, 2, 10)).state == g.WAITING
        assert g.talk_guard(dossier, today=date(2025, 2, 11)).failed


# --- a year as an activist ------------------------------------------------------------------------


def test_exactly_one_year_as_activist_passes(inst_a: Institution) -> None:
    with in_schema(inst_a):
        guard = g.activist_period_guard(activist_on=date(2024, 3, 1), on=date(2025, 3, 1))
    assert guard.passed and guard.rule_key == "development.activist_min_months" and "第十三条" in guard.citation


def test_one_day_short_of_a_year_as_activist_waits_until_the_anniversary(inst_a: Institution) -> None:
    with in_schema(inst_a):
        guard = g.activist_period_guard(activist_on=date(2024, 3, 1), on=date(2025, 2, 28))
    assert not guard.passed and guard.blocking and guard.satisfied_on == date(2025, 3, 1)


def test_advancing_to_target_a_day_early_is_refused_in_chinese(world: World, inst_a: Institution) -> None:
    from tests.development.helpers import ACTIVIST, ASSESSED, walk_to_activist

    with in_schema(inst_a):
        dossier = walk_to_activist(world, apply(world))
        contacts.dossier_contact_assign(
            dossier=dossier,
            member=world.full_members[0],
            role="contact",
            assigned_on=ACTIVIST,
            acting_user=world.secretary,
        )
        record(world, dossier, "activist_training", ASSESSED)
        from tests.development.helpers import approve_all

        approve_all(dossier, world.secretary)
        with pytest.raises(ValidationError) as excinfo:
            services.dossier_advance(
                dossier=dossier, to_stage="target", on_date=date(2023, 2, 28), acting_user=world.secretary
            )
        assert "培养考察满 12 个月" in str(excinfo.value) and "2023-03-01" in str(excinfo.value)
        advanced = services.dossier_advance(
            dossier=dossier, to_stage="target", on_date=date(2023, 3, 1), acting_user=world.secretary
        )
        assert advanced.stage == "target" and advanced.target_on == date(2023, 3, 1)


# --- training -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "days", "passed"),
    [(Decimal(24), None, True), (Decimal("23.5"), None, False), (None, 3, True), (Decimal(16), 2, False)],
)
def test_training_needs_24_hours_or_3_days(
    world: World, inst_a: Institution, hours: Decimal | None, days: int | None, passed: bool
) -> None:
    from tests.development.helpers import walk_to_target

    with in_schema(inst_a):
        dossier = walk_to_target(world, apply(world))
        record(world, dossier, "training", date(2023, 6, 1), hours=hours, days=days)
        guard = g.training_guard(Dossier.objects.prefetch_related("steps").get(pk=dossier.pk), on=date(2024, 1, 1))
        assert guard.passed is passed
        assert "第十七条" in guard.citation


# --- publicity on the working-day calendar --------------------------------------------------------


def test_publicity_of_an_ordinary_week_is_five_working_days(inst_a: Institution) -> None:
    with in_schema(inst_a):
        assert g.publicity_guard(start=date(2024, 9, 2), end=date(2024, 9, 6)).passed
        short = g.publicity_guard(start=date(2024, 9, 2), end=date(2024, 9, 5))
    assert short.failed and short.satisfied_on == date(2024, 9, 6)


def test_publicity_across_the_national_day_holiday_counts_working_days_only(inst_a: Institution) -> None:
    """Started Monday 2025-09-29: 29th, 30th, then 1–8 October are holidays, 9th and 10th are
    working days and Saturday 11th is an adjusted workday: the 5th working day is 2025-10-11."""
    with in_schema(inst_a):
        through_friday = g.publicity_guard(start=date(2025, 9, 29), end=date(2025, 10, 10))
        through_saturday = g.publicity_guard(start=date(2025, 9, 29), end=date(2025, 10, 11))
    assert through_friday.failed and "4 个工作日" in through_friday.missing
    assert through_friday.satisfied_on == date(2025, 10, 11)
    assert through_saturday.passed and through_saturday.rule_key == "development.publicity_working_days"


def test_publicity_follows_an_institution_override_and_cites_its_reason(inst_a: Institution) -> None:
    with in_schema(inst_a):
        RuleOverride.objects.create(
            key="development.publicity_working_days",
            value=7,
            effective_from=date(2020, 1, 1),
            reason="校党委规定公示七个工作日",
        )
        guard = g.publicity_guard(start=date(2024, 9, 2), end=date(2024, 9, 6))
    assert guard.failed and guard.satisfied_on == date(2024, 9, 10)
    assert "校党委规定公示七个工作日" in guard.citation


# --- approval within 3 months ---------------------------------------------------------------------


def test_approval_exactly_three_months_after_the_vote_passes(inst_a: Institution) -> None:
    with in_schema(inst_a):
        guard = g.approval_guard(admitted_on=date(2025, 1, 15), approved_on=date(2025, 4, 15), today=date(2025, 5, 1))
    assert guard.passed and "第二十四条" in guard.citation


def test_approval_a_day_after_three_months_needs_a_new_vote(inst_a: Institution) -> None:
    with in_schema(inst_a):
        guard = g.approval_guard(admitted_on=date(2025, 1, 15), approved_on=date(2025, 4, 16), today=date(2025, 5, 1))
        too_late = g.approval_guard(
            admitted_on=date(2025, 1, 15), approved_on=date(2025, 7, 16), today=date(2025, 8, 1)
        )
    assert guard.failed and "重新表决" in guard.missing
    assert too_late.failed and too_late.rule_key == "development.approval_max_months"


def test_an_approval_not_yet_given_is_overdue_after_three_months(inst_a: Institution) -> None:
    with in_schema(inst_a):
        waiting = g.approval_guard(admitted_on=date(2024, 11, 30), approved_on=None, today=date(2025, 2, 28))
        overdue = g.approval_guard(admitted_on=date(2024, 11, 30), approved_on=None, today=date(2025, 3, 1))
    assert waiting.state == g.WAITING and waiting.due_on == date(2025, 2, 28)
    assert overdue.failed


# --- probation ------------------------------------------------------------------------------------


def test_probation_ends_twelve_months_after_the_meeting(inst_a: Institution) -> None:
    with in_schema(inst_a):
        assert g.probation_end(admitted_on=date(2024, 10, 15), extension_months=None) == date(2025, 10, 15)
        assert g.probation_end(admitted_on=date(2024, 2, 29), extension_months=None) == date(2025, 2, 28)
        assert g.probation_end(admitted_on=date(2024, 10, 15), extension_months=6) == date(2026, 4, 15)


def test_confirmation_before_the_end_of_probation_is_refused(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = prepare_confirmation(world, apply(world))
        assert dossier.probation_ends_on == date(2025, 10, 15)
        with pytest.raises(ValidationError) as excinfo:
            services.dossier_vote_outcome(
                dossier=dossier,
                kind="confirmation",
                passed=True,
                meeting_on=date(2025, 10, 14),
                vote_id=9,
                acting_user=world.secretary,
            )
        assert "2025-10-15" in str(excinfo.value)
        confirmed = services.dossier_vote_outcome(
            dossier=dossier,
            kind="confirmation",
            passed=True,
            meeting_on=date(2025, 10, 15),
            vote_id=9,
            acting_user=world.secretary,
        )
        assert confirmed.stage == "full" and confirmed.confirmed_on == date(2025, 10, 15)


@pytest.mark.parametrize(("months", "passed"), [(6, True), (12, True), (5, False), (13, False)])
def test_an_extension_is_6_to_12_months(world: World, inst_a: Institution, months: int, passed: bool) -> None:
    with in_schema(inst_a):
        dossier = admit(world, apply(world))
        guard = g.extension_guard(dossier, months=months, on=date(2025, 10, 20))
        assert guard.passed is passed
        if passed:
            extended = services.dossier_probation_extend(
                dossier=dossier,
                months=months,
                reason="考察期表现需继续考察",
                on_date=date(2025, 10, 20),
                acting_user=world.secretary,
            )
            assert extended.probation_ends_on == g.probation_end(admitted_on=ADMISSION, extension_months=months)
        else:
            with pytest.raises(ValidationError, match="6–12 个月"):
                services.dossier_probation_extend(
                    dossier=dossier,
                    months=months,
                    reason="理由",
                    on_date=date(2025, 10, 20),
                    acting_user=world.secretary,
                )


def test_a_second_extension_is_refused(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = admit(world, apply(world))
        services.dossier_probation_extend(
            dossier=dossier, months=6, reason="继续考察", on_date=date(2025, 10, 20), acting_user=world.secretary
        )
        with pytest.raises(ValidationError, match="已延长过一次"):
            services.dossier_probation_extend(
                dossier=dossier, months=6, reason="再次延长", on_date=date(2025, 10, 21), acting_user=world.secretary
            )
        assert Dossier.objects.get(pk=dossier.pk).probation_ends_on == date(2026, 4, 15)
