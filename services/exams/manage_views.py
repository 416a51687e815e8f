"""考试管理 for those who manage a unit: the question bank (list, add, edit, withdraw), exams
(set, publish, participation and scores) and the short answers waiting to be marked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service

from . import bank, marking, setup
from .forms import ExamForm, MarkForm, QuestionForm, rules_text
from .models import Attempt, Exam, Question
from .question_text import answer_text


def _require_manager(request: HttpRequest) -> None:
    if not bank.can_keep_bank(acting_user=request.user):
        raise PermissionDenied(_("只有管理党组织的人员才能管理考试。"))


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    exams = setup.exams_kept(acting_user=request.user).annotate(
        papers=Count("attempts", filter=Q(attempts__number=1)),
        taken=Count("attempts__member", filter=Q(attempts__status__in=("submitted", "marked")), distinct=True),
    )[:100]
    waiting = marking.marking_queue(acting_user=request.user).count()
    return render(request, "exams/manage.html", {"exams": exams, "waiting": waiting})


@login_required
def question_list(request: HttpRequest) -> HttpResponse:
    found = bank.questions_kept(acting_user=request.user)
    q, category = request.GET.get("q", "").strip(), request.GET.get("category", "").strip()
    if q:
        found = found.filter(text__icontains=q)
    if category:
        found = found.filter(category=category)
    categories = sorted(
        {c for c in bank.questions_kept(acting_user=request.user).values_list("category", flat=True) if c}
    )
    context = {"questions": found[:200], "q": q, "category": category, "categories": categories}
    return render(request, "exams/bank.html", context)


def _question_form(request: HttpRequest, question: Question | None) -> HttpResponse:
    units = bank.bank_units(acting_user=request.user)
    initial = {}
    if question is not None:
        initial = {
            "kind": question.kind,
            "text": question.text,
            "options": "\n".join(question.options),
            "answer": answer_text(question.kind, question.answer),
            "reference": question.reference,
            "explanation": question.explanation,
            "category": question.category,
            "tags": ",".join(question.tags),
            "difficulty": question.difficulty,
        }
    form = QuestionForm(request.POST or None, initial=initial)
    unit_id = request.POST.get("unit") or request.GET.get("unit")
    unit = question.unit if question else (units.filter(pk=unit_id).first() if unit_id else units.first())
    if request.method == "POST" and form.is_valid():
        if unit is None:
            raise PermissionDenied(_("您没有可以维护题库的组织。"))
        done = run_service(
            request,
            lambda: bank.question_save(
                acting_user=request.user, unit=unit, data=form.question_input(), question=question
            ),
            form=form,
            success=_("试题已保存。"),
            redirect_to="exams:bank",
        )
        if done.response:
            return done.response
    return render(
        request, "exams/question_edit.html", {"form": form, "question": question, "units": units, "unit": unit}
    )


@login_required
def question_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return _question_form(request, None)


def _kept_question(request: HttpRequest, pk: int) -> Question:
    _require_manager(request)
    try:
        return bank.questions_kept(acting_user=request.user).get(pk=pk)
    except Question.DoesNotExist:
        raise Http404 from None


@login_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _question_form(request, _kept_question(request, pk))


@login_required
@require_POST
def question_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    question = _kept_question(request, pk)
    return run_and_redirect(
        request,
        lambda: bank.question_set_active(acting_user=request.user, question=question, active=not question.active),
        success=_("已停用该题，今后的试卷不再抽到它。") if question.active else _("已恢复该题。"),
        to="exams:bank",
    )


def _kept_exam(request: HttpRequest, pk: int) -> Exam:
    _require_manager(request)
    try:
        return setup.exams_kept(acting_user=request.user).get(pk=pk)
    except Exam.DoesNotExist:
        raise Http404 from None


def _exam_form(request: HttpRequest, exam: Exam | None) -> HttpResponse:
    units = bank.bank_units(acting_user=request.user)
    initial: dict[str, object] = {"unit": units.first()}
    if exam is not None:
        initial = {
            "unit": exam.unit,
            "title": exam.title,
            "description": exam.description,
            "opens_at": exam.opens_at,
            "closes_at": exam.closes_at,
            "time_limit_minutes": exam.time_limit_minutes,
            "attempts_allowed": exam.attempts_allowed,
            "rules": rules_text(exam.rules),
            "is_contest": exam.is_contest,
        }
    form = ExamForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: setup.exam_save(
                acting_user=request.user, unit=form.cleaned_data["unit"], data=form.exam_input(), exam=exam
            ),
            form=form,
            success=_("考试已保存。"),
            redirect_to=lambda saved: reverse("exams:report", kwargs={"pk": saved.pk}),
        )
        if done.response:
            return done.response
    return render(request, "exams/exam_edit.html", {"form": form, "exam": exam})


@login_required
def exam_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return _exam_form(request, None)


@login_required
def exam_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _exam_form(request, _kept_exam(request, pk))


@login_required
@require_POST
def exam_publish(request: HttpRequest, pk: int) -> HttpResponse:
    exam = _kept_exam(request, pk)
    return run_and_redirect(
        request,
        lambda: setup.exam_publish(acting_user=request.user, exam=exam),
        success=_("考试已发布，开考前会为每个人生成试卷。"),
        to=reverse("exams:report", kwargs={"pk": pk}),
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    exam = _kept_exam(request, pk)
    attempts = (
        Attempt.objects.filter(exam=exam).select_related("member", "member__branch").order_by("member__name", "number")
    )
    rules = [{**r, "label": r.get("category") or "", "tag": r.get("tag") or ""} for r in exam.rules]
    return render(request, "exams/report.html", {"exam": exam, "attempts": attempts[:500], "rules": rules})


@login_required
def marking_queue(request: HttpRequest) -> HttpResponse:
    waiting = marking.marking_queue(acting_user=request.user)[:50]
    return render(request, "exams/marking.html", {"waiting": waiting, "form": MarkForm()})


@login_required
@require_POST
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    answer = get_object_or_404(marking.marking_queue(acting_user=request.user), pk=pk)
    form = MarkForm(request.POST)
    if not form.is_valid():
        return marking_queue(request)
    return run_and_redirect(
        request,
        lambda: marking.answer_mark(
            acting_user=request.user, answer=answer, points=form.cleaned_data["points"], note=form.cleaned_data["note"]
        ),
        success=_("已评分。"),
        to="exams:marking",
    )
