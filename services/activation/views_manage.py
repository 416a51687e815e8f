"""账号管理: the managers' pages — activation status per branch of their scope, one branch's
people, issuing activation slips, a run's progress and its one download. Views parse, check the
scope and call selectors/services; the services enforce the scope again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.web import run_service
from services.organization.models import OrgUnit
from services.organization.scope import scope_for
from tenants.db import connection

from . import slips, status
from .manage_forms import SlipIssueForm
from .models import FILE_HOURS, SlipJob
from .selection import can_issue_slips

RUNNING = (SlipJob.Status.QUEUED, SlipJob.Status.RUNNING)


def _require_manager(request: HttpRequest) -> None:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能管理党员账号。"))


def _job_or_404(request: HttpRequest, pk: Any) -> SlipJob:
    try:
        return slips.slip_job_get(acting_user=request.user, pk=pk)
    except SlipJob.DoesNotExist:
        raise Http404 from None


@login_required
@never_cache
def manage(request: HttpRequest) -> HttpResponse:
    """Per branch of the manager's scope: members, accounts, activated, slips, last sign-in."""
    _require_manager(request)
    scope = scope_for(request.user)
    rows = status.branch_statuses(acting_user=request.user, scope=scope)
    totals = {
        "members": sum(r.members for r in rows),
        "accounts": sum(r.accounts for r in rows),
        "activated": sum(r.activated for r in rows),
        "slips_pending": sum(r.slips_pending for r in rows),
    }
    return render(
        request,
        "activation/manage.html",
        {
            "rows": rows,
            "totals": totals,
            "batches": status.scope_batches(scope=scope),
            "jobs": slips.slip_job_list(acting_user=request.user),
        },
    )


@login_required
@never_cache
def manage_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's people and the state of their accounts (never a code or a password)."""
    unit = get_object_or_404(OrgUnit, pk=pk)
    if not can_issue_slips(acting_user=request.user, unit=unit):
        raise PermissionDenied(_("您无权管理“%(unit)s”的党员账号。") % {"unit": unit.name})
    return render(
        request,
        "activation/unit.html",
        {"unit": unit, "people": status.unit_people(unit=unit), "batches": status.unit_batches(unit=unit)},
    )


@login_required
@never_cache
def slips_new(request: HttpRequest) -> HttpResponse:
    """Choose whom (GET, the count shown), then confirm (POST): the run starts."""
    _require_manager(request)
    if request.method == "POST":
        form = SlipIssueForm(request.POST)
        if form.is_valid():
            done = run_service(
                request,
                lambda: slips.slip_job_start(
                    acting_user=request.user,
                    selection=form.selection(),
                    valid_days=form.cleaned_data["valid_days"],
                    schema_name=connection.schema_name,
                    language=get_language(),
                ),
                form=form,
                refusals=True,
                redirect_to=lambda job: reverse("activation:slip_job", kwargs={"pk": job.pk}),
            )
            if done.response:
                return done.response
        return render(request, "activation/slips_new.html", {"form": form, "count": None})
    form = SlipIssueForm(request.GET if "unit" in request.GET else None)
    count, unit = None, None
    if form.is_bound and form.is_valid():
        unit = OrgUnit.objects.filter(pk=form.cleaned_data["unit"]).first()
        counted = run_service(
            request,
            lambda: slips.slips_count(acting_user=request.user, selection=form.selection()),
            form=form,
            refusals=True,
        )
        count = counted.value if counted.ok else None
    return render(
        request, "activation/slips_new.html", {"form": form, "count": count, "unit": unit, "limit": slips.MAX_SLIPS}
    )


@login_required
@never_cache
def slip_job(request: HttpRequest, pk: Any) -> HttpResponse:
    """A run's progress while the worker renders, then its one download."""
    job = _job_or_404(request, pk)
    return render(
        request,
        "activation/slip_job.html",
        {
            "job": job,
            "running": job.status in RUNNING,
            "hours": FILE_HOURS,
            "status_url": reverse("activation:slip_job_status", kwargs={"pk": job.pk}),
        },
    )


@login_required
@never_cache
def slip_job_status(request: HttpRequest, pk: Any) -> JsonResponse:
    """What the run's page polls."""
    job = _job_or_404(request, pk)
    return JsonResponse({"status": job.status, "total": job.total, "processed": job.processed})


@login_required
@require_POST
def slip_download(request: HttpRequest, pk: Any) -> HttpResponseBase:
    """The PDF, once, for its issuer (then deleted from storage)."""
    job = _job_or_404(request, pk)
    done = run_service(
        request,
        lambda: slips.slip_download(acting_user=request.user, job=job),
        on_error=reverse("activation:slip_job", kwargs={"pk": job.pk}),
    )
    if done.response:
        return done.response
    content = done.value
    filename = _("激活单-%(stamp)s.pdf") % {"stamp": job.created_at.strftime("%Y%m%d-%H%M")}
    return FileResponse(content, as_attachment=True, filename=filename, content_type="application/pdf")
