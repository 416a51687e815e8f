"""The pages: a member takes an exam (answers saved one by one, submit), sees 成绩将在考试结束后公布
until the close and the result after; the refusals read in Chinese; managers add a question, set
and publish an exam, and mark a short answer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from services.exams.models import Answer, Attempt, Exam, Question
from tenants.models import Institution
from tests.conftest import client_for
from tests.orglife.conftest import Branch

from .conftest import account, add_questions, open_exam

pytestmark = pytest.mark.django_db


def test_a_member_takes_an_exam_and_sees_the_result_after_the_close(inst_a: Institution, branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch, is_contest=True)
    user = account(branch.members[2], "page_taker")
    client = client_for(inst_a, user)
    home = client.get(reverse("exams:home")).content.decode()
    assert "党章知识测试" in home and "可以答题" in home
    started = client.post(reverse("exams:start", kwargs={"pk": exam.pk}))
    assert started.status_code == 302 and started["Location"] == reverse("exams:take", kwargs={"pk": exam.pk})
    page = client.get(started["Location"]).content.decode()
    attempt = Attempt.objects.get(exam=exam, member=branch.members[2])
    single = next(e for e in attempt.paper if e[1] == "single")
    assert f'data-question="{single[0]}"' in page and "剩余时间" in page
    saved = client.post(reverse("exams:answer", kwargs={"pk": exam.pk}), {"question": single[0], "given": "1"})
    assert saved.json() == {"ok": True}
    forged = client.post(reverse("exams:answer", kwargs={"pk": exam.pk}), {"question": 999999, "given": "1"})
    assert forged.status_code == 400 and "不在您的试卷中" in forged.json()["detail"]
    blank = next(e for e in attempt.paper if e[1] == "blank")
    done = client.post(reverse("exams:submit", kwargs={"pk": exam.pk}), {f"q{blank[0]}": "为人民服务"}, follow=True)
    assert "已交卷。成绩将在考试结束后公布。" in done.content.decode()
    assert Answer.objects.filter(attempt=attempt).count() == 2
    early = client.get(reverse("exams:result", kwargs={"pk": exam.pk})).content.decode()
    assert "成绩将在考试结束后公布" in early
    client.post(reverse("exams:leaderboard", kwargs={"pk": exam.pk}), {"shown": "1"})
    Exam.objects.filter(pk=exam.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    result = client.get(reverse("exams:result", kwargs={"pk": exam.pk})).content.decode()
    assert "得分" in result and "为人民服务" in result and "/ 19" in result
    board = client.get(reverse("exams:exam", kwargs={"pk": exam.pk})).content.decode()
    assert branch.members[2].name in board  # chose to appear
    again = client.post(reverse("exams:start", kwargs={"pk": exam.pk}), follow=True).content.decode()
    assert "考试已结束，不能再答题。" in again


def test_the_leaderboard_shows_only_those_who_chose(inst_a: Institution, branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch, is_contest=True)
    for index in (2, 3):
        user = account(branch.members[index], f"board{index}")
        client = client_for(inst_a, user)
        client.post(reverse("exams:start", kwargs={"pk": exam.pk}))
        client.post(reverse("exams:submit", kwargs={"pk": exam.pk}))
    client_for(inst_a, branch.members[3].user).post(
        reverse("exams:leaderboard", kwargs={"pk": exam.pk}), {"shown": "1"}
    )
    Exam.objects.filter(pk=exam.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = (
        client_for(inst_a, branch.members[2].user).get(reverse("exams:exam", kwargs={"pk": exam.pk})).content.decode()
    )
    assert branch.members[3].name in page and f"<li>{branch.members[2].name}" not in page


def test_a_manager_sets_publishes_and_marks(inst_a: Institution, branch: Branch) -> None:
    client = client_for(inst_a, branch.secretary)
    added = client.post(
        reverse("exams:question_new"),
        {
            "unit": branch.unit.pk,
            "kind": "single",
            "text": "新题",
            "options": "甲\n乙",
            "answer": "B",
            "category": "党章",
            "difficulty": 3,
        },
    )
    assert added.status_code == 302 and Question.objects.get(text="新题").answer == [1]
    refused = client.post(
        reverse("exams:question_new"),
        {"unit": branch.unit.pk, "kind": "single", "text": "坏题", "options": "甲\n乙", "answer": "", "difficulty": 3},
    ).content.decode()
    assert "请指定正确选项。" in refused
    add_questions(branch)
    now = timezone.localtime()
    saved = client.post(
        reverse("exams:exam_new"),
        {
            "unit": branch.unit.pk,
            "title": "月考",
            "opens_at": (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "time_limit_minutes": 20,
            "attempts_allowed": 1,
            "rules": "党章 2 5\n#二十大 1 10",
        },
    )
    exam = Exam.objects.get(title="月考")
    assert saved.status_code == 302 and exam.rules[1] == {"category": "", "tag": "二十大", "count": 1, "points": "10"}
    client.post(reverse("exams:exam_publish", kwargs={"pk": exam.pk}))
    exam.refresh_from_db()
    assert exam.status == Exam.Status.OPEN and exam.attempts.count() == 5
    report = client.get(reverse("exams:report", kwargs={"pk": exam.pk})).content.decode()
    assert branch.members[3].name in report
    assert "月考" in client.get(reverse("exams:manage")).content.decode()
    assert "新题" in client.get(reverse("exams:bank")).content.decode()


def test_publishing_rules_the_bank_cannot_serve_is_refused(inst_a: Institution, branch: Branch) -> None:
    add_questions(branch)
    with pytest.raises(Exception, match="题库中符合的只有"):
        open_exam(branch, rules=({"category": "党章", "count": 9, "points": 1},))


def test_marking_a_short_answer(inst_a: Institution, branch: Branch) -> None:
    add_questions(branch)
    exam = open_exam(branch)
    user = account(branch.members[3], "short_writer")
    client = client_for(inst_a, user)
    client.post(reverse("exams:start", kwargs={"pk": exam.pk}))
    attempt = Attempt.objects.get(exam=exam, member=branch.members[3])
    short = next(e for e in attempt.paper if e[1] == "short")
    client.post(reverse("exams:submit", kwargs={"pk": exam.pk}), {f"q{short[0]}": "联系实际的体会"})
    manager = client_for(inst_a, branch.secretary)
    queue = manager.get(reverse("exams:marking")).content.decode()
    assert "联系实际的体会" in queue and branch.members[3].name not in queue  # marked without the name
    answer = Answer.objects.get(attempt=attempt, question_id=short[0])
    too_many = manager.post(reverse("exams:mark", kwargs={"pk": answer.pk}), {"points": "9"}, follow=True)
    assert (
        "得分应在 0 到 5.00 之间。" in too_many.content.decode()
        or "得分应在 0 到 5 之间。" in too_many.content.decode()
    )
    manager.post(reverse("exams:mark", kwargs={"pk": answer.pk}), {"points": "4", "note": "好"})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKED and attempt.score == Decimal("4")


def test_the_import_page_lists_row_errors(inst_a: Institution, branch: Branch) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(inst_a, branch.secretary)
    upload = SimpleUploadedFile("bank.txt", "题目 {~甲 ~乙}\n".encode())
    page = client.post(reverse("exams:import"), {"unit": branch.unit.pk, "file": upload}).content.decode()
    assert "第 1 行起的题目：请指定正确选项。" in page
    export = client.get(reverse("exams:export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
