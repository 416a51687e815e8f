"""Pages of 意见征集 for everyone: the surveys that ask me, answering one, the results, the .xlsx.

A survey the user may not see is a 404 (``selectors.survey_get``); the services check again."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from services.kernel.web import run_service
from services.organization.scope import scope_for

from . import answering, board, exports, selectors
from .audience import can_manage_survey
from .forms import AnswerForm
from .inputs import submission_from_post
from .models import Survey
from .results import survey_results


def _get(request: HttpRequest, pk: int, *, results: bool = False) -> Survey:
    try:
        if results:
            return selectors.results_get(acting_user=request.user, pk=pk)
        return selectors.survey_get(acting_user=request.user, pk=pk)
    except Survey.DoesNotExist:
        raise Http404 from None


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_surveys(acting_user=request.user)
    context = {
        "open_rows": [row for row in rows if row["survey"].status == Survey.Status.OPEN],
        "closed_rows": [row for row in rows if row["survey"].status == Survey.Status.CLOSED],
        "is_manager": scope_for(request.user).is_manager,
    }
    return render(request, "surveys/list.html", context)


@login_required
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _get(request, pk)
    sections = list(survey.sections.prefetch_related("questions__options"))
    form = AnswerForm(request.POST if request.method == "POST" else None, survey=survey, sections=sections)
    if request.method == "POST":
        form.is_valid()  # the fields hold what was sent; the service decides what is right
        done = run_service(
            request,
            lambda: answering.survey_answer(
                acting_user=request.user, survey=survey, submission=submission_from_post(request.POST)
            ),
            form=form,
            refusals=True,
            success=_("已提交，谢谢您的参与。"),
            redirect_to=reverse("surveys:list"),
        )
        if done.response:
            return done.response
    context = {
        "survey": survey,
        "sections": sections,
        "form": form,
        "answered": answering.already_answered(survey=survey, user=request.user),
        "can_manage": can_manage_survey(acting_user=request.user, survey=survey),
    }
    return render(request, "surveys/answer.html", context)


@login_required
def survey_results_page(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _get(request, pk, results=True)
    can_manage = can_manage_survey(acting_user=request.user, survey=survey)
    results = survey_results(survey=survey, names=can_manage)
    closed = survey.status == Survey.Status.CLOSED
    context = {
        "results": results,
        "survey": survey,
        "can_manage": can_manage,
        "can_publish": can_manage and closed,
        "board_item": board.results_item(survey) if closed else None,
    }
    return render(request, "surveys/results.html", context)


@login_required
def survey_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _get(request, pk, results=True)
    content = exports.results_xlsx(acting_user=request.user, survey=survey)
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-results.xlsx"'
    return response
