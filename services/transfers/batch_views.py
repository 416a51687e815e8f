"""Portal pages of batch transfers (many people at once): select and preview, confirm, follow
the batch and export its results. Managers only, as in views.py.
"""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from services.kernel.web import run_service
from services.organization.models import OrgUnit

from . import batches, selectors
from .forms import BatchForm
from .models import BatchTransfer
from .views import _manager

PREVIEW_SHOWN = 50


def _batch(request: HttpRequest, pk: str) -> BatchTransfer:
    _manager(request)
    try:
        return selectors.batch_get(acting_user=request.user, pk=pk)
    except (BatchTransfer.DoesNotExist, ValidationError):  # ValidationError: not a UUID
        raise Http404 from None


@login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    """Select people (by unit and category, or a list of numbers), preview, confirm."""
    scope = _manager(request)
    units = OrgUnit.objects.filter(scope.units_q(manage=True), closed_on__isnull=True).order_by("path")
    form = BatchForm(
        request.POST or None, request.FILES or None, institutions=selectors.other_institutions(), units=units
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        members, missing = batches.batch_candidates(
            acting_user=request.user,
            branch=data.get("branch"),
            category=data.get("category", ""),
            numbers=data["number_list"],
        )
        people = list(members[: batches.MAX_PEOPLE + 1])
        if request.POST.get("confirmed") == "1":
            done = run_service(
                request,
                lambda: batches.batch_create(
                    members=people,
                    destination=data["destination"],
                    reason=data["reason"],
                    acting_user=request.user,
                    to_institution=data.get("to_institution"),
                    to_organization=data.get("to_organization", ""),
                ),
                form=form,
                redirect_to=lambda batch: redirect("transfers:batch", pk=str(batch.pk)),
            )
            if done.response:
                return done.response
        preview = {
            "count": len(people),
            "shown": people[:PREVIEW_SHOWN],
            "missing": missing,
            "numbers_text": "\n".join(data["number_list"]),
        }
    return render(request, "transfers/batch_new.html", {"form": form, "preview": preview})


@login_required
@never_cache
def batch_detail(request: HttpRequest, pk: str) -> HttpResponse:
    batch = _batch(request, pk)
    running = batch.status != BatchTransfer.Status.DONE
    return render(
        request,
        "transfers/batch.html",
        {
            "batch": batch,
            "running": running,
            "items": [] if running else list(selectors.batch_items(batch=batch)),
            "status_url": reverse("transfers-batch-status", kwargs={"pk": str(batch.pk)}),
        },
    )


@login_required
def batch_export(request: HttpRequest, pk: str) -> HttpResponse:
    """The per-person results as CSV (Excel opens UTF-8 with a BOM)."""
    batch = _batch(request, pk)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("姓名"), _("学号/工号"), _("所在支部"), _("结果"), _("介绍信编号/说明"), _("转接状态")])
    for item in selectors.batch_items(batch=batch):
        writer.writerow(
            [
                item.member.name,
                item.member.number,
                item.member.branch.name,
                item.get_result_display(),
                item.message,
                item.transfer.get_status_display() if item.transfer else "",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}.csv"'
    return response
