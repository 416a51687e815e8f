"""Opening a dues month for 20,000 members (services/dues/months.py ``open_month``): 100
branches of 200, every member with a base (employed across the brackets, some retirees,
students at the flat amount, a few with no base, who are reported). Members and bases are
written with bulk inserts; the figure is the service call itself: the billable members, their
bases in force (one query), the amounts from the rules, one insert of every bill and the
month's audit row.
"""

from __future__ import annotations

import random
import time
from datetime import date
from decimal import Decimal

from django.db import connection
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.services import institution_create
from services.crypto import blind_index
from services.dues.models import Base, Category, Entry
from services.dues.months import open_month
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create

FIGURES = ("dues_month_open_20k_s",)
BRANCHES = 100
PER_BRANCH = 200


def _members() -> list[Member]:
    committee = org_unit_create(name="党费基准大学党委", kind=OrgUnit.Kind.COMMITTEE)
    rows = []
    for b in range(BRANCHES):
        branch = org_unit_create(name=f"第{b + 1}党支部", kind=OrgUnit.Kind.BRANCH, parent=committee)
        for i in range(PER_BRANCH):
            number = f"11010119900101{b:02d}{i:03d}"[:18]
            student = i % 4 == 0
            rows.append(
                Member(
                    name=f"党员{b}-{i}",
                    gender="male",
                    birth_date=date(1990, 1, 1),
                    national_id=number,
                    national_id_index=blind_index(f"{number}-{b}-{i}"),
                    category=Member.Category.STUDENT if student else Member.Category.FACULTY,
                    branch=branch,
                    joined_on=date(2020, 1, 1),
                )
            )
    return Member.objects.bulk_create(rows, batch_size=5000)


def _bases(members: list[Member]) -> None:
    rng = random.Random(13)
    rows = []
    for index, member in enumerate(members):
        if member.category == Member.Category.STUDENT or index % 500 == 1:
            continue  # students pay the flat amount without a base; a few others have none
        category = Category.RETIREE if index % 10 == 3 else Category.EMPLOYED
        base = Decimal(rng.randrange(150_000, 1_500_000)) / 100
        rows.append(Base(member=member, category=category, monthly_base=base, starts_on=date(2026, 1, 1)))
    Base.objects.bulk_create(rows, batch_size=5000)


def run() -> list[Figure]:
    with cleanup("bdue"):
        institution, _ = institution_create(code="bdue", name="党费基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            members = _members()
            _bases(members)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            started = time.perf_counter()
            billing = open_month(acting_user=None, year=2026, month=11)
            elapsed = time.perf_counter() - started
            bills = Entry.objects.filter(kind=Entry.Kind.BILL).count()
    return [
        ("dues_month_open_20k_s", elapsed, "s"),
        ("dues_month_open_bills", bills, f"bills ({len(billing.missing_base)} members without a base reported)"),
    ]
