"""考试 for members (phone first): my exams, an exam's page, taking it (each answer saved as it
is given), submitting, the result after the exam closes, the contest's leaderboard choice."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.web import error_lines, run_and_redirect, run_service

from . import results, taking
from .bank import can_keep_bank
from .models import Attempt, Exam


def _mine(request: HttpRequest, pk: int) -> results.MyExam:
    try:
        return results.my_exam(acting_user=request.user, pk=pk)
    except Exam.DoesNotExist:
        raise Http404 from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    mine = results.my_exams(acting_user=request.user)
    return render(request, "exams/home.html", {"mine": mine, "keeps": can_keep_bank(acting_user=request.user)})


@login_required
def exam_page(request: HttpRequest, pk: int) -> HttpResponse:
    mine = _mine(request, pk)
    return render(request, "exams/exam.html", {"mine": mine, "board": results.leaderboard(exam=mine.exam)})


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    _mine(request, pk)
    done = run_service(
        request,
        lambda: taking.attempt_start(acting_user=request.user, exam_id=pk),
        refusals=True,
        redirect_to=reverse("exams:take", kwargs={"pk": pk}),
        on_error=reverse("exams:exam", kwargs={"pk": pk}),
    )
    assert done.response is not None
    return done.response


@login_required
def take(request: HttpRequest, pk: int) -> HttpResponse:
    mine = _mine(request, pk)
    attempt = mine.attempt
    if attempt is None or attempt.status != Attempt.Status.STARTED:
        return redirect("exams:exam", pk=pk)
    if results.seconds_left(attempt) <= 0:
        taking.attempt_finish(attempt=attempt, timed_out=True)
        return redirect("exams:exam", pk=pk)
    context = {"mine": mine, "attempt": attempt, "lines": results.paper_lines(attempt)}
    return render(request, "exams/take.html", {**context, "seconds_left": results.seconds_left(attempt)})


def _given_of(request: HttpRequest, name: str) -> list[Any]:
    return request.POST.getlist(name)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer saved (the take page's script): JSON {"ok"} or {"detail"} with 400."""
    try:
        question = int(request.POST.get("question", "") or 0)
        taking.answer_save(
            acting_user=request.user, exam_id=pk, question_id=question, given=_given_of(request, "given")
        )
    except (ValidationError, PermissionDenied) as exc:
        _mine(request, pk)  # only on a refusal: an exam that is not the caller's is a 404
        return JsonResponse({"detail": " ".join(error_lines(exc))}, status=400)
    return JsonResponse({"ok": True})


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit: the answers in the form are saved first (a page without its script), then marked."""
    mine = _mine(request, pk)
    if mine.attempt is not None and mine.attempt.status == Attempt.Status.STARTED:
        for entry in mine.attempt.paper:
            given = _given_of(request, f"q{entry[0]}")
            if given and any(str(g).strip() for g in given):
                try:
                    taking.answer_save(acting_user=request.user, exam_id=pk, question_id=entry[0], given=given)
                except ValidationError:
                    break  # time is up: the submit below says so
    return run_and_redirect(
        request,
        lambda: taking.attempt_submit(acting_user=request.user, exam_id=pk),
        success=_("已交卷。成绩将在考试结束后公布。"),
        to=reverse("exams:exam", kwargs={"pk": pk}),
    )


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    mine = _mine(request, pk)
    best = results.best_attempt(exam=mine.exam, member=mine.attempt.member) if mine.attempt else None
    if not mine.results_out or best is None:
        return render(request, "exams/result.html", {"mine": mine, "best": None})
    return render(request, "exams/result.html", {"mine": mine, "best": best, "lines": results.paper_lines(best)})


@login_required
@require_POST
def leaderboard_choice(request: HttpRequest, pk: int) -> HttpResponse:
    _mine(request, pk)
    shown = request.POST.get("shown") == "1"
    return run_and_redirect(
        request,
        lambda: results.leaderboard_choose(acting_user=request.user, pk=pk, shown=shown),
        success=_("已上排行榜。") if shown else _("已退出排行榜。"),
        to=reverse("exams:exam", kwargs={"pk": pk}),
    )
