"""Importing a 20,000-member roster from .xlsx end to end: store the upload, read and validate
it, confirm, commit (members, history rows, audit row), each worker step called synchronously
as the worker runs it. Goal: under 10 s on the 2-core reference machine."""

from __future__ import annotations

import io
import random
import time
from datetime import date, timedelta
from unittest import mock

from django_tenants.utils import schema_context
from openpyxl import Workbook

from bench.common import Figure, cleanup
from console.demo import ETHNICITIES, GIVEN, SURNAMES
from console.services import institution_create
from services.accounts.models import User
from services.members import imports, tasks
from services.members.fake_ids import fake_national_id
from services.members.models import ImportJob, Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from services.storage.backends import get_storage

FIGURES = ("member_import_20k_s",)
ROWS = 20_000
BRANCHES = 40


def _branches() -> list[str]:
    committee = org_unit_create(name="基准大学党委", kind=OrgUnit.Kind.COMMITTEE)
    names = []
    for college in range(BRANCHES // 4):
        second = org_unit_create(name=f"第{college + 1}学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
        for branch in range(4):
            name = f"第{college + 1}学院第{branch + 1}党支部"
            org_unit_create(name=name, kind=OrgUnit.Kind.BRANCH, parent=second)
            names.append(name)
    return names


def _roster(branches: list[str]) -> bytes:
    """A realistic roster: Chinese names, valid and distinct ID numbers, students and faculty."""
    rng = random.Random(2026)
    today = date.today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
    sheet.append(list(imports.HEADERS))
    seen: set[str] = set()
    while len(seen) < ROWS:
        student = rng.random() < 0.7
        born = today - timedelta(
            days=(rng.randint(19, 24) if student else rng.randint(28, 62)) * 365 + rng.randint(0, 364)
        )
        male = rng.random() < 0.5
        number = fake_national_id(rng, born, male)
        if number in seen:
            continue
        seen.add(number)
        probationary = student and rng.random() < 0.25
        joined = today - timedelta(days=rng.randint(30, 360) if probationary else rng.randint(400, 8000))
        joined = max(joined, born + timedelta(days=18 * 366))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        sheet.append(
            [
                name,
                "男" if male else "女",
                rng.choice(ETHNICITIES),
                born.isoformat(),
                number,
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                "山东济南",
                "大学本科",
                "学士",
                "学生" if student else "教师",
                f"{'S' if student else 'T'}{len(seen):07d}",
                rng.choice(branches),
                "预备党员" if probationary else "正式党员",
                joined.isoformat(),
                "" if probationary else min(joined + timedelta(days=365), today).isoformat(),
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run() -> list[Figure]:
    with cleanup("bimp"):
        institution, _ = institution_create(code="bimp1", name="基准导入学校", admin_password="Bench-pass-2026!")
        schema = institution.schema_name
        try:
            with schema_context(schema):
                content = _roster(_branches())
                admin = User.objects.get(username="admin")
            # The worker steps are run here, synchronously: nothing is queued.
            with mock.patch("tenants.queueing.publish"):
                started = time.perf_counter()
                with schema_context(schema):
                    job = imports.import_start(
                        acting_user=admin,
                        upload=io.BytesIO(content),
                        filename="roster.xlsx",
                        schema_name=schema,
                        language="zh-hans",
                    )
                tasks.validate_import.run(schema, str(job.pk))
                with schema_context(schema):
                    job.refresh_from_db()
                    if not imports.import_confirm(job=job, acting_user=admin, schema_name=schema, language="zh-hans"):
                        raise RuntimeError(f"the bench roster did not validate: {job.status} {job.errors[:5]}")
                tasks.commit_import.run(schema, str(job.pk))
                elapsed = time.perf_counter() - started
            with schema_context(schema):
                job.refresh_from_db()
                if job.status != ImportJob.Status.DONE or Member.objects.count() != ROWS:
                    raise RuntimeError(f"the bench import did not complete: {job.status} {job.failure}")
        finally:
            get_storage().delete_prefix(f"{schema}/")
    return [("member_import_20k_s", elapsed, "s")]
