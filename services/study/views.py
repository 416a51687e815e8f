"""学习 pages (phone first): 我的学习, a material's page (which beats while visible), its file
(with range requests), external training, and the managers' pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.inputs import ascii_int
from services.kernel.web import run_and_redirect, run_service
from services.organization.scope import scope_for

from . import selectors, trainings
from .forms import DecideForm, TrainingForm
from .heartbeat import BEAT_SECONDS
from .hours import rankings_on
from .models import Material, Training
from .streaming import serve_stored


def year_of(request: HttpRequest) -> int:
    year = ascii_int(request.GET.get("year", ""))
    return year if year is not None and 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    study = selectors.my_study(user=request.user, year=year_of(request))
    scope = scope_for(request.user)
    context = {"study": study, "is_manager": scope.is_manager, "manages_content": scope.everything}
    return render(request, "study/mine.html", context)


def material_or_404(pk: int) -> Material:
    try:
        return selectors.material_get(pk=pk)
    except Material.DoesNotExist:
        raise Http404 from None


@login_required
def material(request: HttpRequest, pk: int) -> HttpResponse:
    item = material_or_404(pk)
    return render(request, "study/material.html", {"material": item, "beat_ms": BEAT_SECONDS * 1000})


@login_required
def material_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = material_or_404(pk)
    return serve_stored(
        request, key=item.storage_key, filename=item.filename, content_type=item.content_type, size=item.size
    )


@login_required
def training(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        certificate = data.pop("certificate")
        done = run_service(
            request,
            lambda: trainings.training_report(
                acting_user=request.user, certificate=certificate, certificate_name=certificate.name, **data
            ),
            form=form,
            refusals=True,
            success=_("培训已报送，支部审核认定后计入学时。"),
            redirect_to="study:training",
        )
        if done.response:
            return done.response
    mine_rows = trainings.trainings_visible(acting_user=request.user).filter(member__user_id=request.user.pk or 0)
    return render(request, "study/training.html", {"form": form, "rows": mine_rows})


def _training_or_404(request: HttpRequest, pk: int) -> Training:
    found = trainings.trainings_visible(acting_user=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponseBase:
    row = _training_or_404(request, pk)
    return serve_stored(
        request,
        key=row.certificate_key,
        filename=row.certificate_name,
        content_type=row.certificate_type,
        size=row.certificate_size,
    )


def _require_manager(request: HttpRequest) -> None:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有党组织的管理者可以查看。"))


@login_required
def review(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    rows = trainings.trainings_visible(acting_user=request.user).exclude(member__user_id=request.user.pk or 0)
    pending = rows.filter(status=Training.Status.PENDING).order_by("created_at")
    done = rows.exclude(status=Training.Status.PENDING)[:50]
    return render(request, "study/review.html", {"pending": pending, "done": done, "form": DecideForm()})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    row = _training_or_404(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return redirect("study:review")
    approve = form.cleaned_data["decision"] == "approve"
    return run_and_redirect(
        request,
        lambda: trainings.training_decide(
            acting_user=request.user, training=row, approve=approve, note=form.cleaned_data["note"]
        ),
        to="study:review",
        success=_("已认定《%(title)s》。") % {"title": row.title}
        if approve
        else _("已退回《%(title)s》。") % {"title": row.title},
        refusals=True,
    )


@login_required
def branches(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    year = year_of(request)
    rows = selectors.branch_rows(acting_user=request.user, year=year)
    return render(request, "study/branches.html", {"rows": rows, "year": year})


@login_required
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    unit = selectors.branches_of(acting_user=request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    year = year_of(request)
    rows = selectors.branch_members(branch=unit, year=year)
    return render(request, "study/branch.html", {"unit": unit, "rows": rows, "year": year, "ranked": rankings_on(year)})
