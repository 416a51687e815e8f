"""Reminder sources of the pipeline: set-based (queries independent of the number of people),
each Due with its rule key and citation, stable keys, recipients who manage the branch."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.development import reminders
from services.development.demo_data import bulk_pipeline
from services.development.models import Dossier
from services.members.models import Member
from tenants.models import Institution
from tests.conftest import in_schema
from tests.development.helpers import World, apply, build_world

SOURCES = {
    "development.talk": reminders.talk_due,
    "development.assessment": reminders.assessment_due,
    "development.approval": reminders.approval_due,
    "development.probation_end": reminders.probation_end_due,
}


@pytest.fixture
def world(inst_a: Institution) -> World:
    with in_schema(inst_a):
        return build_world()


def test_an_applicant_without_a_talk_is_due_a_month_after_applying(world: World, inst_a: Institution) -> None:
    today = date.today()
    with in_schema(inst_a):
        dossier = apply(world, applied_on=today - timedelta(days=40), name="未谈话")
        dues = [d for d in reminders.talk_due(today) if d.key.startswith(f"development.talk:{dossier.pk}:")]
    assert len(dues) == 1
    due = dues[0]
    assert due.due_on == dossier.applied_on + relativedelta(months=1)
    assert due.rule_key == "development.application_talk_months" and "第七条" in due.citation
    assert world.secretary.pk in due.recipient_ids
    assert due.url == f"/development/{dossier.pk}/" and "未谈话" in due.title


def test_sources_cost_the_same_queries_for_30_or_300_people(world: World, inst_a: Institution) -> None:
    today = date.today()
    counts: dict[str, list[int]] = {name: [] for name in SOURCES}
    found: dict[str, int] = {}
    with in_schema(inst_a):
        for size, seed in ((30, 1), (270, 2)):
            bulk_pipeline(
                branches=[world.tree.branch_x, world.tree.branch_y], count=size, rng=random.Random(seed), today=today
            )
            for name, source in SOURCES.items():
                with CaptureQueriesContext(connection) as queries:
                    dues = list(source(today))
                counts[name].append(len(queries))
                found[name] = len(dues)
                assert all(d.rule_key and d.citation and d.kind == name for d in dues)
                assert len({d.key for d in dues}) == len(dues)
    for name, (small, large) in counts.items():
        assert small == large, (name, counts)
    assert all(found[name] > 0 for name in SOURCES), found


def test_the_same_scan_twice_yields_the_same_keys(world: World, inst_a: Institution) -> None:
    today = date.today()
    with in_schema(inst_a):
        bulk_pipeline(branches=[world.tree.branch_x], count=50, rng=random.Random(5), today=today)
        first = {d.key for name, s in SOURCES.items() for d in s(today)}
        second = {d.key for name, s in SOURCES.items() for d in s(today)}
    assert first == second and first


def test_bulk_pipeline_spreads_people_over_every_stage_with_member_records(world: World, inst_a: Institution) -> None:
    today = date.today()
    with in_schema(inst_a):
        created = bulk_pipeline(branches=[world.tree.branch_x], count=100, rng=random.Random(3), today=today)
        stages = dict.fromkeys(("applicant", "activist", "target", "probationary", "full"), 0)
        for stage in Dossier.objects.values_list("stage", flat=True):
            stages[stage] += 1
        assert created == 100 and all(stages.values()), stages
        probationary = Dossier.objects.filter(stage="probationary").select_related("member")
        assert all(d.member and d.member.status == Member.Status.PROBATIONARY for d in probationary)
        assert all(
            d.applied_on <= today and (d.birth_date + relativedelta(years=18)) <= d.applied_on
            for d in Dossier.objects.all()
        )
