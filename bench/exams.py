"""An exam through a real server (issue 14): 300 members, each on their own phone (their own
signed-in session, made before the clock starts), start the same exam within 10 seconds; then
each of them saves an answer every few seconds.

The papers are drawn when the exam opens (before the clock, as the sweeper does a couple of
minutes ahead), so starting only marks a row started and returns the paper.

- ``exam_start_burst_300_p95_ms``: the 95th percentile of ``POST /api/exams/<id>/start/``
  (the paper in the person's order and the seconds left); zero errors and 300 attempts started,
  or the benchmark fails;
- ``exam_answer_p95_ms``: the 95th percentile of ``POST /api/exams/<id>/answers/`` while the
  300 answer, each every 2–4 seconds, five answers each; zero errors, every answer stored.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from bench.phones import Phone, in_processes
from bench.real_server import Server, serving
from console.services import institution_create
from services.accounts.models import User
from services.crypto import blind_index
from services.exams import bank, papers, setup
from services.exams.models import Answer, Attempt, Question
from services.members.fake_ids import fake_national_id
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from tenants.db import connection

FIGURES = ("exam_start_burst_300_p95_ms", "exam_answer_p95_ms")
PEOPLE = 300
SPREAD_SECONDS = 10.0
ANSWERS_EACH = 5
HOST = "bexam.localhost"
CSRF = "benchcsrftokenbenchcsrftoken0123"  # 32 characters: the cookie's secret, sent back as the header


def _member(index: int, branch: OrgUnit, user: User) -> Member:
    number = fake_national_id(random.Random(index), date(2003, 1 + index % 12, 1 + index % 28), male=index % 2 == 0)
    return Member(
        name=f"考生{index:03d}",
        gender="male" if int(number[16]) % 2 else "female",
        birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        national_id=number,
        national_id_index=blind_index(number),
        category=Member.Category.STUDENT,
        number=f"E{index:07d}",
        branch=branch,
        user=user,
    )


def _exam() -> tuple[int, list[str]]:
    """A branch of 300 members with accounts and sessions, a bank of 60 questions and an exam of
    20 open now with its papers drawn; returns the exam's id and the session keys."""
    committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
    branch = org_unit_create(
        name="学生党支部", kind=OrgUnit.Kind.BRANCH, parent=committee, branch_kind=OrgUnit.BranchKind.UNDERGRADUATE
    )
    admin = User.objects.get(is_superuser=True)
    for i in range(60):
        bank.question_save(
            acting_user=admin,
            unit=committee,
            data=bank.QuestionInput(
                kind=Question.Kind.SINGLE,
                text=f"第{i}题",
                options=("甲", "乙", "丙", "丁"),
                answer=(i % 4,),
                category="党章" if i % 2 else "理论",
            ),
        )
    users = User.objects.bulk_create(
        [User(username=f"e{i:03d}", display_name=f"考生{i:03d}", password="!") for i in range(PEOPLE)]
    )
    Member.objects.bulk_create(_member(i, branch, users[i]) for i in range(PEOPLE))
    now = timezone.now()
    exam = setup.exam_save(
        acting_user=admin,
        unit=committee,
        data=setup.ExamInput(
            title="党章知识测试",
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(hours=2),
            time_limit_minutes=60,
            rules=({"category": "党章", "count": 10}, {"category": "理论", "count": 10}),
        ),
    )
    setup.exam_publish(acting_user=admin, exam=exam)  # opens now: the papers are drawn here
    assert papers.audience(exam).count() == PEOPLE
    keys = []
    for user in users:
        client = Client()
        client.force_login(user)
        keys.append(client.cookies["sessionid"].value)
    return exam.pk, keys


def _phone(port: int, key: str) -> Phone:
    phone = Phone(port, HOST, {"X-CSRFToken": CSRF, "Content-Type": "application/json"})
    phone.cookies.update(sessionid=key, csrftoken=CSRF)
    return phone


def _post(phone: Phone, path: str, body: Any = None) -> tuple[float, Any]:
    answer = phone.request("POST", path, json.dumps(body).encode() if body is not None else b"")
    assert answer.status == 200, (answer.status, answer.body[:300])
    return answer.took, json.loads(answer.body)


Job = tuple[int, int, int, str, float]  # the server's port, the exam, the person, their session, when to start


def _take(job: Job) -> tuple[float, list[float]]:
    """One member's phone: press start at the moment given, then answer a question every 2–4
    seconds; returns the start's time and the answers' times."""
    port, exam_id, index, key, moment = job
    phone = _phone(port, key)
    time.sleep(max(0.0, moment - time.time()))
    took, paper = _post(phone, f"/api/exams/{exam_id}/start/")
    rng = random.Random(index)
    answers = []
    for question in paper["questions"][:ANSWERS_EACH]:
        time.sleep(rng.uniform(2.0, 4.0))
        answered, _ = _post(
            phone, f"/api/exams/{exam_id}/answers/", {"question": question["id"], "given": [question["options"][0][0]]}
        )
        answers.append(answered)
    phone.close()
    return took, answers


def _burst(server: Server, exam_id: int, keys: list[str]) -> tuple[list[float], list[float], list[str], float]:
    """The 300 phones, each on its own thread, spread over a few processes (bench/phones.py);
    returns the start and answer times, the errors and the phones' CPU seconds."""
    start = time.time() + 2.0
    jobs = [(server.port, exam_id, i, keys[i], start + SPREAD_SECONDS * i / PEOPLE) for i in range(PEOPLE)]
    done = in_processes(_take, jobs)
    return [r[0] for r in done.results], [t for r in done.results for t in r[1]], done.errors, done.cpu


def run() -> list[Figure]:
    with cleanup("bexam"):
        institution, _ = institution_create(code="bexam", name="考试基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            exam_id, keys = _exam()
        connection.set_schema_to_public()
        load = os.getloadavg()[0]
        with serving(HOST) as server:
            server_cpu = server.cpu_seconds()
            starts, answers, errors, client_cpu = _burst(server, exam_id, keys)
            server_cpu = server.cpu_seconds() - server_cpu
        with schema_context(institution.schema_name):
            started = Attempt.objects.filter(exam_id=exam_id, status=Attempt.Status.STARTED).count()
            stored = Answer.objects.filter(attempt__exam_id=exam_id).count()
        connection.set_schema_to_public()
        assert not errors, f"{len(errors)} errors, e.g. {errors[:3]}"
        assert started == PEOPLE and stored == PEOPLE * ANSWERS_EACH, (started, stored)
        return [
            ("exam_start_burst_300_p95_ms", statistics.quantiles(sorted(starts), n=20)[-1] * 1000, "ms"),
            ("exam_start_burst_300_median_ms", statistics.median(starts) * 1000, "ms"),
            ("exam_answer_p95_ms", statistics.quantiles(sorted(answers), n=20)[-1] * 1000, "ms"),
            ("exam_answer_median_ms", statistics.median(answers) * 1000, "ms"),
            # Where the time went: the server's CPU and the phones' per request, and how busy the
            # machine was when the burst began (these figures are only comparable at like loads).
            ("exam_server_cpu_per_request_ms", server_cpu * 1000 / (len(starts) + len(answers)), "ms"),
            ("exam_client_cpu_per_request_ms", client_cpu * 1000 / (len(starts) + len(answers)), "ms"),
            ("exam_load_average_1m", load, ""),
        ]
