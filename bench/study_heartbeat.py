"""Online study heartbeats (issue 14): 1,000 members study at once, each on their own phone (their
own signed-in session, made before the clock starts), each page open on a material of their plan
and beating every 30 seconds while visible, as services/study/static/study/study.js does, through
a real server (gunicorn, as `make run` serves). The pages were opened before the clock starts
(``study_open``: not timed); three beats of every page are timed, 3,000 requests in a minute and a half,
the 1,000 sessions' beats spread evenly over each 30-second period.

The figure is the 95th percentile of a heartbeat (a failed one counted with the time it took; the
failures are a figure of their own, ``study_heartbeat_errors``, which must be 0). Every
member is credited the time between their first and last beat (60 seconds when the beats keep time;
between what the client saw from its first request's answer to its last request and from its first
request to its last answer, to the second; never more on a page whose beats failed), or the
benchmark fails. The phones are bench/phones.py's (plain connections, spread over a few
processes), so that the client's own time does not count as the server's."""

from __future__ import annotations

import http.client
import io
import random
import secrets
import statistics
import sys
import time
from datetime import date

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
from services.study.heartbeat import study_open
from services.study.models import Material, Plan, Progress
from services.study.services import course_create, material_add, plan_save
from tenants.db import connection

FIGURES = ("study_heartbeat_p95_ms",)
PEOPLE = 1000
BEATS = 3
PERIOD = 30.0  # seconds between two beats of one page (heartbeat.BEAT_SECONDS)
HOST = "bstudy.localhost"


def _member(index: int, branch: OrgUnit, user: User) -> Member:
    number = fake_national_id(random.Random(index), date(2000, 1 + index % 12, 1 + index % 28), male=index % 2 == 0)
    return Member(
        name=f"学员{index:04d}",
        gender="male" if int(number[16]) % 2 else "female",
        birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        national_id=number,
        national_id_index=blind_index(number),
        category=Member.Category.STUDENT,
        number=f"S{index:07d}",
        branch=branch,
        user=user,
    )


def _setup() -> tuple[Material, list[tuple[str, str]]]:
    """1,000 members with a signed-in session and an open page on this year's material: the
    (session key, page token) of each."""
    committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
    branch = org_unit_create(
        name="学生党支部", kind=OrgUnit.Kind.BRANCH, parent=committee, branch_kind=OrgUnit.BranchKind.UNDERGRADUATE
    )
    admin = User.objects.get(is_superuser=True)
    users = User.objects.bulk_create(
        [User(username=f"s{i:04d}", display_name=f"学员{i:04d}", password="!") for i in range(PEOPLE)]
    )
    Member.objects.bulk_create(_member(i, branch, users[i]) for i in range(PEOPLE))
    course = course_create(acting_user=admin, title="党章学习")
    material = material_add(
        acting_user=admin, course=course, title="党章原文", kind=Material.Kind.DOCUMENT, length_minutes=60,
        upload=io.BytesIO("学习党章。\n".encode() * 100), filename="党章.txt",
    )  # fmt: skip
    plan_save(
        acting_user=admin, year=timezone.localdate().year, group=Plan.Group.MEMBERS, title="计划", materials=[material]
    )
    pages = []
    for user in users:
        client = Client()
        client.force_login(user)
        tab, _progress = study_open(acting_user=user, material_id=material.pk)
        pages.append((client.cookies["sessionid"].value, tab))
    return material, pages


# the member's index, port, material id, session key, the page's token, the moment of the first beat
Job = tuple[int, int, int, str, str, float]
# the member's index, the beats' durations, the most and the least the server may credit, the failures
Outcome = tuple[int, list[float], float, float, list[str]]


def _page(job: Job) -> Outcome:
    """The page's heartbeats: their durations, and the most and the least the server may credit (from
    the first request to the last answer; from the first answer to the last request)."""
    index, port, material_pk, key, tab, first = job
    csrf = secrets.token_hex(16)  # a 32-character secret: the cookie and the header agree
    # Each beat on a connection of its own, as behind nginx (what serves the institutions): 1,000
    # phones do not each hold a connection to gunicorn, whose workers are recycled every
    # GUNICORN_MAX_REQUESTS requests.
    headers = {"X-CSRFToken": csrf, "Content-Type": "application/json", "Connection": "close"}
    body = f'{{"material": {material_pk}, "tab": "{tab}"}}'.encode()
    times: list[float] = []
    sent: list[float] = []
    answered: list[float] = []
    errors: list[str] = []
    for beat in range(BEATS):
        time.sleep(max(0.0, first + beat * PERIOD - time.perf_counter()))  # one clock in every process
        phone = Phone(port, HOST, headers)
        phone.cookies.update({"sessionid": key, "csrftoken": csrf})
        sent.append(time.perf_counter())
        try:
            answer = phone.request("POST", "/api/study/heartbeat/", body)
            if answer.status != 200:
                errors.append(f"{answer.status} {answer.body[:200].decode(errors='replace')}")
        except (OSError, http.client.HTTPException) as exc:  # a timeout is counted, with the time it took
            errors.append(repr(exc)[:300])
        finally:
            phone.close()
        answered.append(time.perf_counter())
        times.append(answered[-1] - sent[-1])
    return index, times, answered[-1] - sent[0], sent[-1] - answered[0], errors


def run() -> list[Figure]:
    with cleanup("bstudy"):
        institution, _ = institution_create(code="bstudy", name="学习基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            material, pages = _setup()
        connection.set_schema_to_public()
        with serving(HOST) as server:
            start = time.perf_counter() + 1.0
            jobs = [
                (i, server.port, material.pk, key, tab, start + PERIOD * i / PEOPLE)
                for i, (key, tab) in enumerate(pages)
            ]
            done = in_processes(_page, jobs)  # every page at once: each sleeps between its beats
        assert not done.errors, f"{len(done.errors)} pages failed, e.g. {done.errors[:3]}"
        outcomes = {index: (durations, most, least, found) for index, durations, most, least, found in done.results}
        errors = [error for *_outcome, found in outcomes.values() for error in found]
        with schema_context(institution.schema_name):
            credited = dict(
                Progress.objects.filter(material=material).values_list("user__username", "credited_seconds")
            )
        connection.set_schema_to_public()
        times = sorted(t for durations, _most, _least, _found in outcomes.values() for t in durations)
        assert len(times) == PEOPLE * BEATS, len(times)
        # Never more than the time between a page's beats, whatever happened; on a page whose beats
        # all answered, no less either.
        wrong = [
            (credited[f"s{i:04d}"], round(least, 1), round(most, 1))
            for i, (_durations, most, least, found) in sorted(outcomes.items())
            if credited[f"s{i:04d}"] > most + 1 or (not found and credited[f"s{i:04d}"] < least - 1)
        ]
        assert not wrong, f"{len(wrong)} members credited other than the time between their beats: {wrong[:5]}"
        if errors:
            print(f"study_heartbeat: {len(errors)} failed, e.g. {errors[:2]}", file=sys.stderr)
        return [
            # A failed beat counts with the time it took (a timeout: 60 s).
            ("study_heartbeat_p95_ms", statistics.quantiles(times, n=20)[-1] * 1000, "ms"),
            ("study_heartbeat_median_ms", statistics.median(times) * 1000, "ms"),
            ("study_heartbeat_errors", float(len(errors)), "requests"),
        ]
