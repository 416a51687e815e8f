"""Recompute and upsert one institution's facts for oversight (issue 15, docs/oversight.md): 400
branches of about 20 members under 20 colleges, two party groups each, and two years of data
written with bulk inserts (not through the services): the meetings of services/orglife's own
benchmark (about 40,000), a dues bill every month for every member and a payment for most
(about 370,000 ledger entries), a study progress row per member and year, a few development
dossiers, ideological reports and committee terms per branch, and one committee notice signed by
half the members. Tables are analyzed first, as autovacuum does in a running system.

The figure is the wall time of one full run, the nightly one (``figures_publish``: every metric
and period of this year and last year, rolled up the tree, compared with what is published and
upserted, plus the older tables the console still reads) into an empty table, with the load
average it ran under and this process's CPU time (the machine is shared: the CPU time moves less
than the wall time). The second run (``facts_publish_again_s``) finds everything published and
writes nothing; ``facts_publish_this_year_s`` is the on-change refresh (this year only).
``facts_publish_queries`` counts the statements of one run: they do not grow with the number of
branches (one or a few per metric).
"""

from __future__ import annotations

import os
import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from bench.orglife_compliance import write_meetings
from console.services import institution_create
from services.accounts.models import User
from services.crypto import blind_index
from services.development.models import Dossier, DossierStep
from services.documents.models import Document, Receipt
from services.dues.models import Entry, Month
from services.members.fake_ids import fake_national_id
from services.members.models import Member
from services.organization.models import OrgUnit, Term
from services.organization.services import org_unit_create
from services.orglife.compliance import month_index
from services.oversight.models import UnitFact
from services.oversight.services import figures_publish
from services.study.models import Course, Material, Progress
from services.thought_reports.models import Report

FIGURES = ("facts_publish_institution_s",)
COLLEGES = 20
BRANCHES = 400
MEMBERS_PER_BRANCH = 20
GROUPS_PER_BRANCH = 2
MONTHS = 24
BATCH = 10_000


def _tree() -> tuple[list[OrgUnit], dict[int, list[int]]]:
    committee = org_unit_create(name="统计基准大学党委", kind=OrgUnit.Kind.COMMITTEE)
    branches: list[OrgUnit] = []
    groups: dict[int, list[int]] = {}
    for c in range(COLLEGES):
        college = org_unit_create(name=f"第{c + 1}学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
        for b in range(BRANCHES // COLLEGES):
            branch = org_unit_create(name=f"第{c + 1}学院第{b + 1}党支部", kind=OrgUnit.Kind.BRANCH, parent=college)
            branches.append(branch)
            groups[branch.pk] = [
                org_unit_create(name=f"{branch.name}第{g + 1}党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=branch).pk
                for g in range(GROUPS_PER_BRANCH)
            ]
    return branches, groups


def _members(branches: list[OrgUnit]) -> list[Member]:
    rng = random.Random(7)
    count = len(branches) * MEMBERS_PER_BRANCH
    users = User.objects.bulk_create(
        [User(username=f"f{i:05d}", display_name=f"党员{i:05d}", password="!") for i in range(count)],
        batch_size=BATCH,
    )
    members = []
    for i in range(count):
        # One birth date each: no two ID numbers alike.
        number = fake_national_id(random.Random(i), date(1960, 1, 1) + timedelta(days=i), male=i % 2 == 0)
        status = Member.Status.PROBATIONARY if rng.random() < 0.1 else Member.Status.NORMAL
        members.append(
            Member(
                name=f"党员{i:05d}",
                gender="male" if int(number[16]) % 2 else "female",
                birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                national_id=number,
                national_id_index=blind_index(number),
                category=Member.Category.FACULTY,
                number=f"F{i:07d}",
                branch=branches[i // MEMBERS_PER_BRANCH],
                user=users[i],
                status=status,
            )
        )
    return Member.objects.bulk_create(members, batch_size=BATCH)


def _dues(members: list[Member], first: int, last: int) -> int:
    """A bill every month for every member, paid by most (about one in eight months unpaid)."""
    rng = random.Random(3)
    months = {i: Month.objects.create(year=i // 12, month=i % 12 + 1) for i in range(first, last + 1)}
    written = 0
    rows: list[Entry] = []
    for index, month in months.items():
        for member in members:
            common = {"member_id": member.pk, "unit_id": member.branch_id, "year": month.year, "month": month.month}
            rows.append(Entry(kind=Entry.Kind.BILL, booked=month, amount=Decimal("10.00"), basis={}, **common))
            if rng.random() > 0.125:
                rows.append(
                    Entry(kind=Entry.Kind.PAYMENT, booked=month, amount=Decimal("-10.00"), method="cash", **common)
                )
        if len(rows) >= BATCH * 5 or index == last:
            Entry.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
            rows = []
    return written


def _study(members: list[Member], years: tuple[int, int]) -> None:
    course = Course.objects.create(title="党章学习")
    material = Material.objects.create(
        course=course,
        title="党章",
        kind="document",
        length_minutes=3000,
        storage_key="bench/none",
        filename="党章.txt",
        content_type="text/plain",
        size=1,
    )
    rng = random.Random(5)
    rows = [
        Progress(
            user_id=cast(int, member.user_id),
            material=material,
            year=year,
            credited_seconds=rng.randint(0, 40) * 3600,
            cap_seconds=3000 * 60,
        )
        for member in members
        for year in years
    ]
    Progress.objects.bulk_create(rows, batch_size=BATCH)


def _development_reports_terms(branches: list[OrgUnit], members: list[Member], years: tuple[int, int]) -> None:
    rng = random.Random(9)
    dossiers = []
    for i, branch in enumerate(branches):
        for d in range(3):
            year = years[d % 2]
            number = fake_national_id(random.Random(10**6 + i * 3 + d), date(2003, 1 + d, 1 + i % 28), male=d % 2 == 0)
            applied = date(year - 1, 1 + i % 12, 1 + d)
            dossiers.append(
                Dossier(
                    name=f"申请人{i}-{d}",
                    gender="male" if int(number[16]) % 2 else "female",
                    birth_date=date(2003, 1 + d, 1 + i % 28),
                    national_id=number,
                    national_id_index=blind_index(number),
                    category="student",
                    branch=branch,
                    stage=Dossier.Stage.ACTIVIST,
                    applied_on=applied,
                    activist_on=date(year, 3, 1 + d),
                )
            )
    dossiers = Dossier.objects.bulk_create(dossiers, batch_size=BATCH)
    DossierStep.objects.bulk_create(
        [
            DossierStep(
                dossier=dossier,
                code="talk",
                title="谈话",
                review=DossierStep.Review.APPROVED,
                occurred_on=dossier.applied_on + timedelta(days=rng.choice((10, 20, 45))),
            )
            for dossier in dossiers
        ],
        batch_size=BATCH,
    )
    reports = []
    for i, branch in enumerate(branches):
        for year in years:
            submitted = timezone.make_aware(datetime(year, 1 + i % 12, 5, 9))
            member = members[i * MEMBERS_PER_BRANCH]
            reports.append(
                Report(
                    member=member,
                    branch=branch,
                    author_name="作者",
                    status=Report.Status.BRANCH,
                    first_submitted_at=submitted,
                    submitted_at=submitted,
                )
            )
    Report.objects.bulk_create(reports, batch_size=BATCH)
    Term.objects.bulk_create(
        [
            Term(unit=branch, started_on=date(years[0] - 3, 1 + i % 12, 1), ends_on=date(years[0], 1 + i % 12, 1))
            for i, branch in enumerate(branches)
        ]
        + [
            Term(
                unit=branch, started_on=date(years[0], 1 + i % 12, 1 + i % 2), ends_on=date(years[0] + 3, 1 + i % 12, 1)
            )
            for i, branch in enumerate(branches)
        ],
        batch_size=BATCH,
    )


def run() -> list[Figure]:
    today = timezone.localdate()
    last = month_index(today)
    first = last - MONTHS + 1
    years = (today.year - 1, today.year)
    with cleanup("bfacts"):
        with schema_context("public"):
            notice = Document.objects.create(kind=Document.Kind.NOTICE, title="基准签收通知", requires_signoff=True)
        try:
            institution, _ = institution_create(code="bfacts", name="统计基准大学", admin_password="Bench-pass-2026!")
            with schema_context(institution.schema_name):
                started = time.perf_counter()
                branches, groups = _tree()
                members = _members(branches)
                meetings = write_meetings(branches, groups, first)
                entries = _dues(members, first, last)
                _study(members, years)
                _development_reports_terms(branches, members, years)
                Receipt.objects.bulk_create(
                    [Receipt(public_document_id=notice.pk, member=m) for m in members[::2]], batch_size=BATCH
                )
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                setup = time.perf_counter() - started
                load = os.getloadavg()[0]
                with CaptureQueriesContext(connection) as queries:
                    started, cpu = time.perf_counter(), time.process_time()
                    figures_publish(institution=institution)
                    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                started = time.perf_counter()
                figures_publish(institution=institution)
                again = time.perf_counter() - started
                with CaptureQueriesContext(connection) as refresh_queries:
                    started = time.perf_counter()
                    figures_publish(institution=institution, years=[today.year])
                    refresh = time.perf_counter() - started
                load = max(load, os.getloadavg()[0])
                facts = UnitFact.objects.filter(institution=institution).count()
        finally:
            with schema_context("public"):
                UnitFact.objects.filter(metric=f"documents.signed:{notice.pk}").delete()
                notice.delete()
    return [
        ("facts_publish_institution_s", elapsed, f"s (load average {load:.1f})"),
        ("facts_publish_cpu_s", cpu, "s of this process's CPU (the database's is not counted)"),
        ("facts_publish_again_s", again, "s (everything already published)"),
        ("facts_publish_this_year_s", refresh, "s (the on-change refresh: this year only, nothing changed)"),
        ("facts_publish_queries", len(queries), f"statements ({len(refresh_queries)} for this year)"),
        ("facts_publish_rows", facts, f"facts ({meetings} meetings, {entries} dues entries; setup {setup:.0f} s)"),
    ]
