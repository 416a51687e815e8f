"""Meetings held vs required for a whole institution (services/orglife/compliance.py): 400
branches of 20 under 20 colleges, two party groups each, and two years of meetings (about 40,000,
written with bulk inserts, not through the service): every month a theme party day and a
committee meeting, a party group meeting per group, every quarter a member meeting and a
party lecture, once a year the organizational life meeting and the appraisal; one in twenty
cancelled and one period in ten skipped, so every status occurs. The figure is the selector for
every branch over the 24 months (the board of an institution administrator, the reminder scan).
Tables are analyzed first, as autovacuum does in a running system; the rules are resolved inside
the timing.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.services import institution_create
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from services.orglife.compliance import compliance, month_index, month_start
from services.orglife.models import Meeting

FIGURES = ("orglife_compliance_s",)
COLLEGES = 20
BRANCHES = 400
GROUPS_PER_BRANCH = 2
MONTHS = 24

# Meeting kinds per month of a branch: (kind, every n months, held by the groups).
SCHEDULE = (
    (Meeting.Kind.THEME_DAY, 1, False),
    (Meeting.Kind.COMMITTEE_MEETING, 1, False),
    (Meeting.Kind.GROUP_MEETING, 1, True),
    (Meeting.Kind.MEMBER_MEETING, 3, False),
    (Meeting.Kind.LECTURE, 3, False),
    (Meeting.Kind.LIFE_MEETING, 12, False),
    (Meeting.Kind.APPRAISAL, 12, False),
)


def _tree() -> tuple[list[OrgUnit], dict[int, list[int]]]:
    committee = org_unit_create(name="组织生活基准大学党委", kind=OrgUnit.Kind.COMMITTEE)
    branches: list[OrgUnit] = []
    for c in range(COLLEGES):
        college = org_unit_create(name=f"第{c + 1}学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
        for b in range(BRANCHES // COLLEGES):
            branches.append(
                org_unit_create(name=f"第{c + 1}学院第{b + 1}党支部", kind=OrgUnit.Kind.BRANCH, parent=college)
            )
    groups: dict[int, list[int]] = {}
    for branch in branches:
        groups[branch.pk] = [
            org_unit_create(name=f"{branch.name}第{g + 1}党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=branch).pk
            for g in range(GROUPS_PER_BRANCH)
        ]
    return branches, groups


def write_meetings(branches: list[OrgUnit], groups: dict[int, list[int]], first: int) -> int:
    """MONTHS months of meetings from ``first`` (a month index) for ``branches`` and their
    ``groups`` on SCHEDULE, one in ten missing and one in twenty cancelled; returns how many
    (bench/facts_publish.py builds its institution with it too)."""
    rng = random.Random(12)
    rows: list[Meeting] = []
    total = 0
    for branch in branches:
        for offset in range(MONTHS):
            month = month_start(first + offset)
            for kind, every, by_groups in SCHEDULE:
                if offset % every or rng.random() < 0.1:
                    continue
                for unit_id in groups[branch.pk] if by_groups else [branch.pk]:
                    day = rng.randint(1, 28)
                    starts = timezone.make_aware(datetime(month.year, month.month, day, 14, 30))
                    cancelled = rng.random() < 0.05
                    rows.append(
                        Meeting(
                            unit_id=unit_id,
                            kind=kind,
                            topic=f"{month:%Y-%m} {kind}",
                            starts_at=starts,
                            ends_at=starts + timedelta(hours=2),
                            status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.PLANNED,
                        )
                    )
        if len(rows) >= 5000:
            Meeting.objects.bulk_create(rows, batch_size=5000)
            total += len(rows)
            rows = []
    Meeting.objects.bulk_create(rows, batch_size=5000)
    return total + len(rows)


def run() -> list[Figure]:
    today = timezone.localdate()
    last = month_index(today)
    first = last - MONTHS + 1
    with cleanup("bolc"):
        institution, _ = institution_create(code="bolc", name="组织生活基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            branches, groups = _tree()
            meetings = write_meetings(branches, groups, first)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            every_branch = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).order_by("path"))
            started = time.perf_counter()
            rows = compliance(branches=every_branch, since=month_start(first), until=date(today.year, today.month, 1))
            elapsed = time.perf_counter() - started
            periods = sum(len(row.periods) for row in rows)
    return [
        ("orglife_compliance_s", elapsed, "s"),
        ("orglife_compliance_meetings", meetings, "meetings"),
        ("orglife_compliance_periods", periods, f"periods ({len(rows)} unit-kind rows)"),
    ]
