"""A lecture hall checks in to a party lecture (issue 12): 500 members, each on their own phone
(their own signed-in session, made before the clock starts: signing in is login_burst's figure),
scan the QR code on the host's screen within about 30 seconds, through a real server (gunicorn,
as `make run` serves). Each phone opens the QR code's link, which checks in and redirects to the
result; the link carries the code of the moment it is opened (checkin_codes.py), as the screen
shows it.

The figure is the 95th percentile of that request (the result page it redirects to is not
timed). Zero errors, and exactly 500 attendance rows checked in, or the benchmark fails. The
phones are bench/phones.py's: plain keep-alive connections, spread over a few processes, so that
the client's own time does not count as the server's."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from bench.phones import Phone, in_processes
from bench.real_server import serving
from console.services import institution_create
from services.accounts.models import User
from services.crypto import blind_index
from services.members.fake_ids import fake_national_id
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from services.orglife.checkin_codes import current_code
from services.orglife.models import Attendee, Meeting
from services.orglife.services import meeting_create
from tenants.db import connection

FIGURES = ("checkin_burst_500_p95_ms",)
PEOPLE = 500
SPREAD_SECONDS = 30.0
PHONES_AT_ONCE = 100  # in flight over the processes; each phone scans at its own moment of the 30 s
HOST = "bcheck.localhost"


def _member(index: int, branch: OrgUnit, user: User) -> Member:
    number = fake_national_id(random.Random(index), date(2004, 1 + index % 12, 1 + index % 28), male=index % 2 == 0)
    return Member(
        name=f"学生{index:03d}",
        gender="male" if int(number[16]) % 2 else "female",
        birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        national_id=number,
        national_id_index=blind_index(number),
        category=Member.Category.STUDENT,
        number=f"C{index:07d}",
        branch=branch,
        user=user,
    )


def _hall() -> tuple[Meeting, list[str]]:
    """A branch of 500 members, each with an account and a signed-in session, and a lecture that
    started five minutes ago; returns the meeting and the session keys."""
    committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
    college = org_unit_create(name="学院", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
    branch = org_unit_create(
        name="学生党支部", kind=OrgUnit.Kind.BRANCH, parent=college, branch_kind=OrgUnit.BranchKind.UNDERGRADUATE
    )
    users = User.objects.bulk_create(
        [User(username=f"c{i:03d}", display_name=f"学生{i:03d}", password="!") for i in range(PEOPLE)]
    )
    Member.objects.bulk_create(_member(i, branch, users[i]) for i in range(PEOPLE))
    starts = timezone.now() - timedelta(minutes=5)
    meeting = meeting_create(
        acting_user=None,
        unit=branch,
        kind=Meeting.Kind.LECTURE,
        topic="党课：学习党章",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    keys = []
    for user in users:
        client = Client()
        client.force_login(user)  # the session of the member's phone (signing in is not timed)
        keys.append(client.cookies["sessionid"].value)
    return meeting, keys


# port, meeting id, its check-in secret, the member's session key, the moment the phone scans
Job = tuple[int, int, str, str, float]


def _phone(job: Job) -> float:
    port, meeting_pk, secret, key, at = job
    phone = Phone(port, HOST)
    phone.cookies["sessionid"] = key
    try:
        time.sleep(max(0.0, at - time.perf_counter()))  # the monotonic clock: the same in every process
        code = current_code(secret, meeting_pk, timezone.now())  # what the screen shows now
        done = phone.get(f"/orglife/c/{meeting_pk}/{code.token}/")
    finally:
        phone.close()
    assert done.status == 302 and done.location.endswith(f"/meetings/{meeting_pk}/checkin/"), (
        done.status,
        done.body.decode().split('role="alert"', 1)[-1][:300],
    )
    return done.took


def run() -> list[Figure]:
    with cleanup("bcheck"):
        institution, _ = institution_create(code="bcheck", name="签到基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            meeting, keys = _hall()
        connection.set_schema_to_public()
        with serving(HOST) as server:
            start = time.perf_counter() + 1.0
            jobs = [
                (server.port, meeting.pk, meeting.checkin_secret, keys[i], start + SPREAD_SECONDS * i / PEOPLE)
                for i in range(PEOPLE)
            ]
            cpu_before = server.cpu_seconds()
            done = in_processes(_phone, jobs, at_once=PHONES_AT_ONCE)
            took = time.perf_counter() - start
            cpu = server.cpu_seconds() - cpu_before
        with schema_context(institution.schema_name):
            rows = Attendee.objects.filter(meeting_id=meeting.pk)
            checked_in = rows.filter(checked_in_at__isnull=False).count()
            total = rows.count()
        connection.set_schema_to_public()
        assert not done.errors, f"{len(done.errors)} errors, e.g. {done.errors[:3]}"
        assert checked_in == PEOPLE and total == PEOPLE, (checked_in, total)
        times = sorted(done.results)
        return [
            ("checkin_burst_500_p95_ms", statistics.quantiles(times, n=20)[-1] * 1000, "ms"),
            ("checkin_burst_500_median_ms", statistics.median(times) * 1000, "ms"),
            ("checkin_burst_500_s", took, "s"),
            # The server's CPU per check-in (every process of it): what the figure costs, whatever the load.
            ("checkin_cpu_ms_per_checkin", cpu * 1000 / PEOPLE, "ms"),
            ("checkin_client_cpu_ms_per_checkin", done.cpu * 1000 / PEOPLE, "ms"),
        ]
