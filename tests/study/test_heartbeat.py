"""Online study is measured by the server from heartbeats: time between beats of the same page is
credited, capped at the material's length; a gap ends the session; one page and one material at a
time per person; a material outside the plan or the institution counts nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from services.accounts.models import User
from services.study.heartbeat import GAP_SECONDS, study_beat, study_open

from .conftest import World, age, credited

pytestmark = pytest.mark.django_db


def test_time_between_beats_of_a_visible_page_is_credited(world: World) -> None:
    tab, progress = study_open(acting_user=world.member, material_id=world.material.pk)
    assert progress.credited_seconds == 0
    first = study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab)
    assert first.counted and first.credited_seconds == 0  # the first beat begins the session
    age(world.member, world.material, 20)
    second = study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab)
    assert second.counted and second.credited_seconds == 20
    assert credited(world.member, world.material) == 20


def test_credit_stops_at_the_materials_length(world: World) -> None:
    tab, _progress = study_open(acting_user=world.member, material_id=world.material.pk)
    study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab)
    for _ in range(10):  # 10 × 20 s against a 2-minute material
        age(world.member, world.material, 20)
        beat = study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab)
    assert beat.credited_seconds == beat.cap_seconds == 120
    assert credited(world.member, world.material) == 120


def test_a_gap_longer_than_the_threshold_ends_the_session_and_credits_nothing(world: World) -> None:
    tab, _progress = study_open(acting_user=world.member, material_id=world.material.pk)
    study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab)
    age(world.member, world.material, GAP_SECONDS + 1)
    assert study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab).credited_seconds == 0
    age(world.member, world.material, 15)  # the next beat continues the new session
    assert study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab).credited_seconds == 15


def test_a_second_tab_takes_over_and_the_first_counts_nothing(world: World) -> None:
    first, _progress = study_open(acting_user=world.member, material_id=world.material.pk)
    study_beat(acting_user=world.member, material_id=world.material.pk, tab=first)
    second, _progress = study_open(acting_user=world.member, material_id=world.material.pk)
    stale = study_beat(acting_user=world.member, material_id=world.material.pk, tab=first)
    assert not stale.counted and stale.code == "other_tab" and "另一个页面" in stale.detail
    study_beat(acting_user=world.member, material_id=world.material.pk, tab=second)
    age(world.member, world.material, 20)
    assert study_beat(acting_user=world.member, material_id=world.material.pk, tab=second).credited_seconds == 20
    assert credited(world.member, world.material) == 20  # not 40: two tabs never double-count


def test_opening_another_material_ends_the_first(world: World) -> None:
    world.plan.materials.add(world.other)
    tab, _progress = study_open(acting_user=world.member, material_id=world.material.pk)
    study_open(acting_user=world.member, material_id=world.other.pk)
    beat = study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab)
    assert beat.code == "other_material" and "同一时间只计一份资料" in beat.detail


def test_a_material_outside_the_plan_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match=r"不在您 .* 年的学习计划中"):
        study_open(acting_user=world.member, material_id=world.other.pk)


def test_a_forged_material_id_is_refused_with_a_clear_message(world: World) -> None:
    with pytest.raises(ValidationError, match="没有这份学习资料"):
        study_open(acting_user=world.member, material_id=999999)
    tab, _progress = study_open(acting_user=world.member, material_id=world.material.pk)
    with pytest.raises(ValidationError, match="没有这份学习资料"):
        study_beat(acting_user=world.member, material_id=999999, tab=tab)


def test_a_forged_tab_counts_nothing(world: World) -> None:
    study_open(acting_user=world.member, material_id=world.material.pk)
    beat = study_beat(acting_user=world.member, material_id=world.material.pk, tab="f" * 32)
    assert beat.code == "other_tab"


def test_an_account_without_a_member_record_has_no_plan_to_study_for_credit(world: World) -> None:
    nobody = User.objects.create(username="st_nobody_here")
    with pytest.raises(ValidationError, match="学习计划"):
        study_open(acting_user=nobody, material_id=world.material.pk)


def test_the_fractions_of_seconds_between_beats_add_up_instead_of_being_lost(world: World) -> None:
    from django.db import connection

    tab, _progress = study_open(acting_user=world.member, material_id=world.material.pk)
    study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab)
    for _ in range(3):  # three gaps of 20.6 s: 61.8 s studied, 61 whole seconds credited (not 3 × 20)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE study_progress SET last_beat_at = last_beat_at - make_interval(secs => 20.6)"
                " WHERE user_id = %s AND material_id = %s",
                [world.member.pk, world.material.pk],
            )
        beat = study_beat(acting_user=world.member, material_id=world.material.pk, tab=tab)
    assert beat.credited_seconds == 61
