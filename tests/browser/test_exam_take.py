"""Taking an exam on a phone-width browser: the member opens 考试, starts the exam, answers each
question (each answer saved as it is given), submits, is told the result comes after the close;
once the exam has closed the result page shows the score and the correct answers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from services.accounts.models import User
from services.exams.models import Answer, Attempt, Exam, Question
from services.exams.papers import papers_draw
from services.members.models import Member
from services.organization.models import OrgUnit
from tests.browser.conftest import BrowserServer, NewContext, sign_in
from tests.conftest import Institutions
from tests.factories import PASSWORD, MemberFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@dataclass(frozen=True)
class Taker:
    user: User
    member: Member
    exam: Exam


def _remove(exam: Exam) -> None:
    """Submitted answers are final in the database (a trigger refuses deletes); the table's owner
    lifts the trigger for this one transaction to remove what the test committed."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE exams_answer DISABLE TRIGGER exams_answer_final")
        Answer.objects.filter(attempt__exam=exam).delete()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE exams_answer ENABLE TRIGGER exams_answer_final")
        Attempt.objects.filter(exam=exam).delete()
        exam.delete()


@pytest.fixture
def taker(institutions: Institutions, browser_server: BrowserServer) -> Iterator[Taker]:
    """A committed member with an account, a bank of three questions and an exam open now with
    its papers drawn (the live server sees committed rows only); removed afterwards."""
    schema = institutions.a.schema_name
    with schema_context(schema):
        branch = OrgUnitFactory(name="考试测试支部")
        user = UserFactory(username="exam-taker")
        member = MemberFactory(branch=branch, name="钱学", user=user)
        kind = Question.Kind
        Question.objects.bulk_create(
            [
                Question(unit=branch, kind=kind.SINGLE, text="预备期为几年？", options=["一年", "两年"], answer=[0]),
                Question(
                    unit=branch, kind=kind.TRUE_FALSE, text="党章是党的根本大法。", options=["正确", "错误"], answer=[0]
                ),
                Question(unit=branch, kind=kind.BLANK, text="全心全意____。", answer=["为人民服务"]),
            ]
        )
        now = timezone.now()
        exam = Exam.objects.create(
            unit=branch,
            title="手机考试",
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(hours=1),
            time_limit_minutes=10,
            rules=[{"category": "", "tag": "", "count": 3, "points": 10}],
            status=Exam.Status.PUBLISHED,
        )
        papers_draw(exam=exam)
    yield Taker(user=user, member=member, exam=exam)
    with schema_context(schema):
        for session in Session.objects.all():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                session.delete()
        _remove(exam)
        Question.objects.filter(unit=branch).delete()
        Member.objects.filter(pk=member.pk).delete()
        User.objects.filter(pk=user.pk).delete()
        OrgUnit.objects.filter(pk=branch.pk).delete()


def _phone(new_context: NewContext) -> Page:
    return new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()


def _fits(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_a_member_takes_an_exam_on_a_phone_and_sees_the_result_after_it_closes(
    taker: Taker, institutions: Institutions, browser_server: BrowserServer, new_context: NewContext
) -> None:
    phone = _phone(new_context)
    phone.goto(browser_server.url(institutions.a, "/accounts/login/?next=/exams/"))
    sign_in(phone, taker.user.username, PASSWORD)
    expect(phone.locator("#my-exams")).to_contain_text("手机考试")
    _fits(phone)
    phone.get_by_role("link", name="手机考试").click()
    phone.get_by_role("button", name="开始答题").click()

    expect(phone.locator("#clock")).to_contain_text("剩余时间")
    _fits(phone)
    questions = phone.locator("fieldset.question")
    expect(questions).to_have_count(3)
    # The page's script saves each answer as it is given once it has loaded; a phone on a slow
    # network can answer before that, and then only the submit button saves.
    expect(phone.locator("#paper")).to_have_attribute("data-ready", "1")
    for index in range(3):
        question = questions.nth(index)
        legend = question.locator("legend").inner_text()
        if "全心全意" in legend:
            question.get_by_role("textbox").fill("为人民服务")
            question.get_by_role("textbox").blur()
        elif "预备期" in legend:
            question.get_by_label("一年").check()
        else:
            question.get_by_label("正确").check()
        expect(question.locator(".saved")).to_have_text("已保存")
    with schema_context(institutions.a.schema_name):
        assert Answer.objects.filter(attempt__exam=taker.exam).count() == 3  # saved as given, before submitting

    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="交卷").click()
    expect(phone.locator("main")).to_contain_text("已交卷。成绩将在考试结束后公布。")
    expect(phone.get_by_role("link", name="查看成绩")).to_have_count(0)
    _fits(phone)

    with schema_context(institutions.a.schema_name):  # the exam closes
        Exam.objects.filter(pk=taker.exam.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    phone.reload()
    phone.get_by_role("link", name="查看成绩").click()
    expect(phone.locator("#score")).to_contain_text("30.00 / 30.00")
    expect(phone.locator("main")).to_contain_text("正确答案：一年")
    _fits(phone)
