"""Filling the annual statistics tables (services/statistics) of an institution of 20,000 members,
500 of whom left the roll during the year (with their status changes in the history): the time of
one filling of all eight tables and how many queries it takes (set-based: the same whatever the
number of members)."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.demo import _members
from console.services import institution_create
from services.members.models import Member, MemberChange
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from services.statistics.filling import tables_fill
from services.statistics.template import edition_for

FIGURES = ("statistics_fill_20000_ms", "statistics_fill_queries")
MEMBERS = 20_000
LEFT = 500
RUNS = 5


def _seed(schema: str) -> None:
    with schema_context(schema):
        committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
        branches = [
            org_unit_create(
                name=f"支部{i}", kind=OrgUnit.Kind.BRANCH, parent=committee,
                branch_kind=OrgUnit.BranchKind.TEACHER if i % 2 else OrgUnit.BranchKind.UNDERGRADUATE,
            )
            for i in range(40)
        ]  # fmt: skip
        rng = random.Random(1)
        taken: set[str] = set()
        for _batch in range(MEMBERS // 5000):
            Member.objects.bulk_create(_members(rng, branches, 5000, taken=taken), batch_size=1000)
        year = timezone.localdate().year - 1
        leaving = list(Member.objects.order_by("pk").values_list("pk", flat=True)[:LEFT])
        Member.objects.filter(pk__in=leaving).update(status=Member.Status.TRANSFERRED_OUT)
        MemberChange.objects.bulk_create(
            MemberChange(
                member_id=pk, kind="status",
                changes={"status": ["normal", "transferred_out"], "effective_on": [None, date(year, 6, 1).isoformat()]},
            )
            for pk in leaving
        )  # fmt: skip


def run() -> list[Figure]:
    with cleanup("bstat"):
        institution, _ = institution_create(code="bstat", name="统计基准大学", admin_password="Bench-pass-2026!")
        _seed(institution.schema_name)
        year = timezone.localdate().year - 1
        edition = edition_for(year)
        timings = []
        with schema_context(institution.schema_name):
            tables_fill(edition=edition, year=year)  # warm up
            for _ in range(RUNS):
                started = time.perf_counter()
                tables_fill(edition=edition, year=year)
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                tables_fill(edition=edition, year=year)
    return [
        ("statistics_fill_20000_ms", statistics.median(timings), "ms"),
        ("statistics_fill_queries", float(len(queries.captured_queries)), "queries"),
    ]
