"""The reminder scan of one institution with 20,000 members and 3,000 people in the development
pipeline: every registered source (member record, organization tree, development pipeline,
transfers), the recipients, the bulk insert. Then the same scan again, which creates nothing
(the idempotent path that runs every morning). Module imports are done before the clock
starts and the tables are analyzed, as in a running system.

The institution is shaped like a large university: 400 branches of 50 under 20 colleges, each
branch with a secretary and an organization commissioner, a college administrator per
college, every member with a sign-in account, committee terms spread over three years, 300
members abroad, 500 retained graduates with their status history.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.demo import _members
from console.services import institution_create
from services.accounts.models import User
from services.members.models import Member, MemberChange, TimeAbroad
from services.organization.models import AdminGrant, OrgUnit, Position, Term
from services.organization.services import org_unit_create
from services.reminders.models import Reminder
from services.reminders.registry import sources
from services.reminders.services import reminder_scan

FIGURES = ("reminder_scan_s", "reminder_rescan_s")
MEMBERS = 20_000
PIPELINE = 3_000
COLLEGES = 20
BRANCHES = 400
ABROAD = 300
RETAINED = 500


def _tree() -> list[OrgUnit]:
    committee = org_unit_create(name="基准大学党委", kind=OrgUnit.Kind.COMMITTEE)
    branches = []
    for c in range(COLLEGES):
        college = org_unit_create(name=f"第{c + 1}学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
        for b in range(BRANCHES // COLLEGES):
            branches.append(
                org_unit_create(
                    name=f"第{c + 1}学院第{b + 1}党支部",
                    kind=OrgUnit.Kind.BRANCH,
                    parent=college,
                    branch_kind=OrgUnit.BranchKind.TEACHER if b % 2 else OrgUnit.BranchKind.UNDERGRADUATE,
                )
            )
    return branches


def _seed(today: date) -> int:
    rng = random.Random(7)
    branches = _tree()
    taken: set[str] = set()
    for _batch in range(MEMBERS // 5000):
        Member.objects.bulk_create(_members(rng, branches, 5000, taken=taken), batch_size=1000)
    members = list(Member.objects.order_by("pk").values_list("pk", "branch_id"))
    # Every member signs in (an unusable password: hashing 20,000 is not what is measured).
    users = User.objects.bulk_create(
        [User(username=f"m{pk}", email=f"m{pk}@bench.edu.cn", password="!") for pk, _ in members], batch_size=2000
    )
    Member.objects.bulk_update(
        [Member(pk=pk, user_id=user.pk) for (pk, _), user in zip(members, users, strict=True)],
        ["user"],
        batch_size=2000,
    )
    # Two managers per branch (the first two members), a college administrator per college.
    by_branch: dict[int, list[int]] = {}
    for pk, branch_id in members:
        by_branch.setdefault(branch_id, []).append(pk)
    positions = []
    for branch_id, pks in by_branch.items():
        for kind, pk in zip((Position.Kind.SECRETARY, Position.Kind.ORGANIZATION), pks[:2], strict=False):
            positions.append(Position(member_id=pk, unit_id=branch_id, kind=kind, started_on=date(2024, 1, 1)))
    Position.objects.bulk_create(positions)
    colleges = OrgUnit.objects.filter(kind=OrgUnit.Kind.SECOND_LEVEL)
    admins = User.objects.bulk_create([User(username=f"admin{c.pk}", password="!") for c in colleges])
    AdminGrant.objects.bulk_create(
        [
            AdminGrant(user=user, unit=college, role=AdminGrant.Role.UNIT_ADMIN)
            for user, college in zip(admins, colleges, strict=True)
        ]
    )
    Term.objects.bulk_create(
        [
            Term(unit=branch, started_on=start, ends_on=start + timedelta(days=3 * 365))
            for branch in branches
            for start in [today - timedelta(days=rng.randint(0, 3 * 365))]
        ]
    )
    sample = rng.sample([pk for pk, _ in members], ABROAD + RETAINED)
    TimeAbroad.objects.bulk_create(
        [
            TimeAbroad(
                member_id=pk,
                country="英国",
                purpose="留学",
                left_on=today - timedelta(days=400),
                last_contact_on=today - timedelta(days=rng.randint(0, 300)),
            )
            for pk in sample[:ABROAD]
        ]
    )
    retained = sample[ABROAD:]
    Member.objects.filter(pk__in=retained).update(status=Member.Status.RETAINED)
    MemberChange.objects.bulk_create(
        [
            MemberChange(
                member_id=pk,
                kind="status",
                changes={
                    "status": ["normal", "retained"],
                    "effective_on": [None, (today - timedelta(days=rng.randint(0, 800))).isoformat()],
                },
            )
            for pk in retained
        ]
    )
    try:
        from services.development.demo_data import bulk_pipeline
    except ImportError:
        return 0
    return bulk_pipeline(branches=branches, count=PIPELINE, rng=rng, today=today)


def run() -> list[Figure]:
    today = timezone.localdate()
    with cleanup("brem"):
        institution, _ = institution_create(code="brem", name="提醒基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            pipeline = _seed(today)
            # As in a running system: planner statistics exist (autovacuum analyzes tables loaded
            # in bulk), and a worker has loaded every app's reminders module, the URLconf (the
            # sources reverse URLs) and the catalogue.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            with translation.override(settings.LANGUAGE_CODE):
                sources()
                reverse("reminders:inbox")
            started = time.perf_counter()
            first = reminder_scan(today=today)
            scan_s = time.perf_counter() - started
            started = time.perf_counter()
            second = reminder_scan(today=today)
            rescan_s = time.perf_counter() - started
            if second.created:
                raise RuntimeError(f"the second scan created {second.created} reminders")
            total = Reminder.objects.count()
    return [
        ("reminder_scan_s", scan_s, "s"),
        ("reminder_rescan_s", rescan_s, "s"),
        ("reminder_scan_members", MEMBERS, "members"),
        ("reminder_scan_pipeline", pipeline, "dossiers"),
        ("reminder_scan_reminders", total, f"reminders ({first.produced} produced)"),
    ]
