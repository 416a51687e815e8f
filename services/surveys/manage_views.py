"""Managers' pages of 意见征集: the surveys of the units they manage, a new survey, the builder
(sections and questions of a draft), publishing, closing and deleting a draft.

A survey outside the user's management is a 404; the services check again."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service
from services.organization.scope import scope_for

from . import board, builder, selectors
from .audience import audience_count, can_manage_survey
from .forms import QuestionForm, SectionForm, SurveyForm
from .models import Question, Section, Survey


def _managed(request: HttpRequest, pk: int) -> Survey:
    survey = Survey.objects.select_related("unit").filter(pk=pk).first()
    if survey is None or not can_manage_survey(acting_user=request.user, survey=survey):
        raise Http404
    return survey


def _require_manager(request: HttpRequest) -> None:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有组织的书记、副书记、组织委员和组织管理员可以发起意见征集。"))


def _edit_url(survey: Survey) -> str:
    return reverse("surveys:edit", kwargs={"pk": survey.pk})


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    surveys = selectors.managed_surveys(acting_user=request.user)[:200]
    return render(request, "surveys/manage.html", {"surveys": surveys})


@login_required
def survey_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    units = selectors.managed_units(acting_user=request.user)
    initial = {"mode": Survey.Mode.ANONYMOUS, "roles": [Survey.Role.FULL, Survey.Role.PROBATIONARY]}
    form = SurveyForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: builder.survey_create(acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("已新建，请添加内容和题目。"),
            redirect_to=_edit_url,
        )
        if done.response:
            return done.response
    return render(request, "surveys/create.html", {"form": form})


@login_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    sections = list(survey.sections.prefetch_related("questions__options"))
    context = {
        "survey": survey,
        "sections": sections,
        "section_form": SectionForm(),
        "question_form": QuestionForm(initial={"required": True}),
        "audience": audience_count(survey),
        "answered": survey.participations.count(),
    }
    return render(request, "surveys/edit.html", context)


@login_required
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return run_and_redirect(request, lambda: _invalid(form), to=_edit_url(survey))
    return run_and_redirect(
        request,
        lambda: builder.section_add(acting_user=request.user, survey=survey, **form.cleaned_data),
        success=_("已添加。"),
        to=_edit_url(survey),
    )


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    section = Section.objects.select_related("survey__unit").filter(pk=pk).first()
    if section is None:
        raise Http404
    survey = _managed(request, section.survey_id)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return run_and_redirect(request, lambda: _invalid(form), to=_edit_url(survey))
    data = form.cleaned_data
    return run_and_redirect(
        request,
        lambda: builder.question_add(
            acting_user=request.user,
            section=section,
            kind=data["kind"],
            text=data["text"],
            options=form.option_lines(),
            required=data["required"],
        ),
        success=_("已添加题目。"),
        to=_edit_url(survey),
    )


def _invalid(form: QuestionForm | SectionForm) -> None:
    """A form's own errors, said the way a service's refusal is (the builder page holds no form)."""
    raise ValidationError([str(e) for errors in form.errors.values() for e in errors])


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = Question.objects.select_related("section__survey").filter(pk=pk).first()
    if question is None:
        raise Http404
    survey = _managed(request, question.section.survey_id)
    return run_and_redirect(
        request,
        lambda: builder.question_delete(acting_user=request.user, question=question),
        success=_("已删除题目。"),
        to=_edit_url(survey),
    )


@login_required
@require_POST
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = Section.objects.select_related("survey").filter(pk=pk).first()
    if section is None:
        raise Http404
    survey = _managed(request, section.survey_id)
    return run_and_redirect(
        request,
        lambda: builder.section_delete(acting_user=request.user, section=section),
        success=_("已删除这一部分。"),
        to=_edit_url(survey),
    )


@login_required
@require_POST
def survey_open(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    return run_and_redirect(
        request,
        lambda: builder.survey_open(acting_user=request.user, survey=survey),
        success=_("已发布，对象范围内的党员现在可以作答。"),
        to=_edit_url(survey),
    )


@login_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    return run_and_redirect(
        request,
        lambda: builder.survey_close(acting_user=request.user, survey=survey),
        success=_("已结束征集。"),
        to=reverse("surveys:results", kwargs={"pk": survey.pk}),
        on_error=_edit_url(survey),
    )


@login_required
@require_POST
def results_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """公开征集结果: a notice of a closed survey's results on the 党务公开 board."""
    survey = _managed(request, pk)
    return run_and_redirect(
        request,
        lambda: board.survey_results_publish(acting_user=request.user, survey=survey),
        refusals=True,
        success=_("征集结果已公开到党务公开。"),
        to=reverse("surveys:results", kwargs={"pk": survey.pk}),
    )


@login_required
@require_POST
def survey_delete(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    return run_and_redirect(
        request,
        lambda: builder.survey_delete(acting_user=request.user, survey=survey),
        success=_("已删除草稿。"),
        to=reverse("surveys:manage"),
        on_error=_edit_url(survey),
    )
