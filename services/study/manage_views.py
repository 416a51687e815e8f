"""学习管理: the institution's administrators keep the courses, upload their materials and set the
year's plans (one per group)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.web import run_service

from . import services
from .forms import CourseForm, MaterialForm, PlanForm
from .models import Course, Plan


def _require(request: HttpRequest) -> None:
    if not services.can_manage_content(acting_user=request.user):
        raise PermissionDenied(_("只有本校党委管理员可以维护学习课程和学习计划。"))


def _page(
    request: HttpRequest,
    *,
    course_form: CourseForm | None = None,
    material_form: MaterialForm | None = None,
    plan_form: PlanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "courses": Course.objects.prefetch_related("materials"),
        "plans": Plan.objects.prefetch_related("materials"),
        "course_form": course_form or CourseForm(),
        "material_form": material_form or MaterialForm(),
        "plan_form": plan_form or PlanForm(),
    }
    return render(request, "study/manage.html", context, status=status)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _require(request)
    if request.method != "POST":
        return _page(request)
    form = CourseForm(request.POST)
    if form.is_valid():
        done = run_service(
            request,
            lambda: services.course_create(acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("课程已新建。"),
            redirect_to="study:manage",
        )
        if done.response:
            return done.response
    return _page(request, course_form=form, status=400)


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    course = Course.objects.filter(pk=pk).first()
    if course is None:
        raise Http404
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        done = run_service(
            request,
            lambda: services.material_add(
                acting_user=request.user, course=course, upload=upload, filename=upload.name, **data
            ),
            form=form,
            form_field="file",
            success=_("资料已上传。"),
            redirect_to="study:manage",
        )
        if done.response:
            return done.response
    return _page(request, material_form=form, status=400)


@login_required
@require_POST
def plan_save(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = PlanForm(request.POST)
    if form.is_valid():
        done = run_service(
            request,
            lambda: services.plan_save(acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("学习计划已保存。"),
            redirect_to="study:manage",
        )
        if done.response:
            return done.response
    return _page(request, plan_form=form, status=400)
