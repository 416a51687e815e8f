"""Pages where an institution's administrators keep its local items (本校补充指标): indicator
systems of the institution's own schema, imported from .xlsx, checked, published, added to every
assessment begun after (docs/standards.md "Local items")."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect
from services.organization.scope import scope_for
from services.storage.uploads import max_upload_bytes

from . import selectors, services, workbook
from .models import IndicatorSystem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def admin_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not scope_for(request.user).everything:
            raise PermissionDenied(_("只有学校管理员可以维护本校补充指标。"))
        return view(request, *args, **kwargs)

    return wrapper


def _url(system: IndicatorSystem) -> str:
    return reverse("standards:local_detail", kwargs={"pk": system.pk})


@admin_required
def local_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or (upload.size or 0) > max_upload_bytes():
            messages.error(request, _("请选择要导入的 .xlsx 文件（不超过大小上限）。"))
            return redirect("standards:local")
        return run_and_redirect(
            request,
            lambda: workbook.import_system(upload=upload, filename=upload.name or "", acting_user=request.user),
            success=_("已导入为草稿，请检查后发布。"),
            to=_url,
            on_error="standards:local",
            prefix=_("未导入："),
        )
    return render(request, "standards/local.html", {"systems": IndicatorSystem.objects.all()})


@admin_required
def local_detail(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    return render(
        request,
        "standards/local_detail.html",
        {
            "system": system,
            "rows": selectors.tree(system),
            "problems": [] if system.is_published else services.system_problems(system),
        },
    )


@admin_required
@require_POST
def local_publish(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    return run_and_redirect(
        request,
        lambda: services.system_publish(system=system, acting_user=request.user),
        success=_("已发布，此后开始的自评将包含这些补充指标。"),
        to=_url(system),
        prefix=_("未发布："),
    )


@admin_required
@require_POST
def local_delete(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("请确认删除。"))
        return redirect(_url(system))
    return run_and_redirect(
        request,
        lambda: services.system_delete(system=system, acting_user=request.user),
        success=_("已删除草稿“%(n)s”。") % {"n": system.name},
        to="standards:local",
        on_error=_url(system),
    )


@admin_required
def local_export(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    response = HttpResponse(workbook.export(system), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="local-{system.year}-v{system.version}.xlsx"'
    return response
