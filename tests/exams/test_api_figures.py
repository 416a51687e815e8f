"""The API (start returns the paper; answers; refusals in the API's shape), the reminders of an
exam opening and closing, and the per-branch participation figure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services.exams import figures, reminders, taking
from services.exams.models import Attempt
from tenants.models import Institution
from tests.conftest import client_for
from tests.orglife.conftest import Branch

from .conftest import account, add_questions, open_exam

pytestmark = pytest.mark.django_db


def test_the_api_starts_answers_and_refuses_a_forged_question(inst_a: Institution, branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    client = client_for(inst_a, account(branch.members[2], "api_taker"))
    mine = client.get(reverse("exams-mine")).json()
    assert mine[0]["exam"]["id"] == exam.pk and mine[0]["state"] == "open"
    paper = client.post(reverse("exams-start", kwargs={"pk": exam.pk})).json()
    assert len(paper["questions"]) == 5 and 1790 <= paper["attempt"]["seconds_left"] <= 1800
    choice = next(q for q in paper["questions"] if q["kind"] == "single")
    url = reverse("exams-answer", kwargs={"pk": exam.pk})
    saved = client.post(
        url, {"question": choice["id"], "given": [choice["options"][0][0]]}, content_type="application/json"
    )
    assert saved.status_code == 200 and saved.json()["saved"] is True
    forged = client.post(url, {"question": 987654, "given": [0]}, content_type="application/json")
    assert forged.status_code == 400 and "不在您的试卷中" in str(forged.json())
    result = client.get(reverse("exams-result", kwargs={"pk": exam.pk})).json()
    assert result["published"] is False
    assert client.post(reverse("exams-submit", kwargs={"pk": exam.pk})).json()["status"] in ("submitted", "marked")


def test_the_manager_api_lists_and_adds_questions(inst_a: Institution, branch: Branch) -> None:
    client = client_for(inst_a, branch.secretary)
    made = client.post(
        reverse("exams-questions"),
        {"unit": branch.unit.pk, "kind": "multiple", "text": "多选", "options": ["甲", "乙", "丙"], "answer": "A,C"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["answer"] == [0, 2]
    bad = client.post(
        reverse("exams-questions"),
        {"unit": branch.unit.pk, "kind": "multiple", "text": "多选", "options": ["甲", "乙"], "answer": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "请指定正确选项" in str(bad.json())
    elsewhere = client.post(
        reverse("exams-questions"),
        {"unit": 987654, "kind": "true_false", "text": "判断", "answer": "对"},
        content_type="application/json",
    )
    assert elsewhere.status_code == 400 and "无权维护" in str(elsewhere.json())
    assert [q["text"] for q in client.get(reverse("exams-questions")).json()] == ["多选"]


def test_reminders_of_an_exam_opening_and_closing(branch: Branch) -> None:
    add_questions(branch)
    now = timezone.now()
    exam = open_exam(branch, opens_at=now + timedelta(hours=2), closes_at=now + timedelta(hours=3))
    users = [account(m, f"remind{i}") for i, m in enumerate(branch.members[2:4])]
    today = timezone.localdate()
    opening = list(reminders.opening(today))
    assert len(opening) == 1 and set(u.pk for u in users) <= set(opening[0].recipient_ids)
    assert "党章知识测试" in opening[0].title
    Attempt.objects.filter(exam=exam).delete()
    exam2 = open_exam(branch, title="闭卷", closes_at=now + timedelta(hours=2))
    taking.attempt_start(acting_user=users[0], exam_id=exam2.pk)
    taking.attempt_submit(acting_user=users[0], exam_id=exam2.pk)
    closing = {d.key: d for d in reminders.closing(today)}[f"exams.closing:{exam2.pk}"]
    assert users[1].pk in closing.recipient_ids and users[0].pk not in closing.recipient_ids


def test_participation_per_branch(branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[2], "figure_taker")
    taking.attempt_start(acting_user=user, exam_id=exam.pk)
    taking.attempt_submit(acting_user=user, exam_id=exam.pk)
    [figure] = figures.unit_figures(year=exam.opens_at.year)
    assert (figure.unit_id, figure.numerator, figure.denominator) == (branch.unit.pk, 1, 5)
