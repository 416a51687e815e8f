"""The platform / municipal console (bare base domain)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service
from services.oversight import dashboard as dashboard_selectors
from services.workdays import selectors as workdays_selectors
from tenants.models import Institution, TaskDelivery

from . import dashboard, moves, selectors, services
from . import dead_letters as dead_letter_services
from .forms import ArchiveForm, DeleteForm, InstitutionCreateForm, RestoreForm, SuspendForm


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "platform_role", "") != "operator":
            raise PermissionDenied(_("只有平台运维人员可以管理学校。"))
        return view(request, *args, **kwargs)

    return wrapper


def is_operator(user: Any) -> bool:
    return getattr(user, "platform_role", "") == "operator"


@login_required
def console_home(request: HttpRequest) -> HttpResponse:
    institutions = list(selectors.institution_list())
    # The root units' count facts where the institutions publish them, the older figures otherwise.
    totals = dashboard_selectors.home_totals(year=timezone.localdate().year)
    if totals is None:
        totals = {"members": 0, "branches": 0, "probationary": 0}
        for inst in institutions:
            figures = getattr(inst, "figures", None)
            if figures is not None:
                totals["members"] += figures.member_count
                totals["branches"] += figures.branch_count
                totals["probationary"] += figures.probationary_count
    return render(
        request,
        "console/console_home.html",
        {
            "institutions": institutions,
            "totals": totals,
            "is_operator": getattr(request.user, "platform_role", "") == "operator",
            "missing_calendar": workdays_selectors.missing_next_year(timezone.localdate()),
            "dead_letter_count": dead_letter_services.dead_letter_count() if is_operator(request.user) else 0,
            "may_view_dashboard": dashboard.may_view(request.user),
        },
    )


@operator_required
def institution_new(request: HttpRequest) -> HttpResponse:
    form = InstitutionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request, lambda: services.institution_create(**form.cleaned_data, acting_user=request.user), form=form
        )
        if done.ok:
            assert done.value is not None
            institution, password = done.value
            return render(
                request,
                "console/institution_created.html",
                {
                    "target": institution,
                    "admin_username": form.cleaned_data["admin_username"],
                    "admin_password": password,
                    "domain": services.institution_domain(institution.code),
                },
            )
    return render(request, "console/institution_new.html", {"form": form})


@operator_required
def institution_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_object_or_404(Institution.objects.prefetch_related("domains"), code=code)
    # "target", not "institution": base.html brands the page with ``institution`` (the site's own).
    return render(
        request,
        "console/institution_detail.html",
        {
            "target": institution,
            "suspend_form": SuspendForm(),
            "archive_form": ArchiveForm(),
            "delete_form": DeleteForm(),
            "placement": moves.placement(institution),  # None when not on Citus: no move form
        },
    )


@require_POST
@operator_required
def institution_move(request: HttpRequest, code: str) -> HttpResponse:
    """Move the institution to another Citus worker: checked and queued here, run by a task;
    the detail page shows its progress."""
    institution = get_object_or_404(Institution, code=code)
    return run_and_redirect(
        request,
        lambda: moves.institution_move_start(
            institution=institution,
            target=request.POST.get("target", ""),
            confirmation=request.POST.get("confirmation", ""),
            acting_user=request.user,
        ),
        success=_("已开始迁移，学校在迁移期间照常使用；完成后本页会显示新的节点。"),
        level=messages.INFO,
        to=redirect("console:institution", code=code),
    )


def _lifecycle(request: HttpRequest, code: str, action: Callable[[Institution], Any], done: str) -> HttpResponse:
    institution = get_object_or_404(Institution, code=code)
    return run_and_redirect(
        request, lambda: action(institution), success=done, to=redirect("console:institution", code=code)
    )


@require_POST
@operator_required
def institution_suspend(request: HttpRequest, code: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _lifecycle(
        request,
        code,
        lambda inst: services.institution_suspend(institution=inst, reason=reason, acting_user=request.user),
        _("已暂停。"),
    )


@require_POST
@operator_required
def institution_resume(request: HttpRequest, code: str) -> HttpResponse:
    return _lifecycle(
        request,
        code,
        lambda inst: services.institution_resume(institution=inst, acting_user=request.user),
        _("已恢复正常。"),
    )


@require_POST
@operator_required
def institution_archive(request: HttpRequest, code: str) -> HttpResponse:
    confirmation = request.POST.get("confirmation", "")
    institution = get_object_or_404(Institution, code=code)
    return run_and_redirect(
        request,
        lambda: services.institution_archive_start(
            institution=institution, confirmation=confirmation, acting_user=request.user
        ),
        success=_("已开始导出并归档，完成后本页状态将变为“已归档”，可刷新查看。"),
        level=messages.INFO,
        to=redirect("console:institution", code=code),
    )


@require_POST
@operator_required
def institution_delete(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_object_or_404(Institution, code=code)
    return run_and_redirect(
        request,
        lambda: services.institution_delete(
            institution=institution,
            confirmation=request.POST.get("confirmation", ""),
            acting_user=request.user,
        ),
        success=_("学校“%(name)s”已删除，其归档文件仍保留。") % {"name": institution.name},
        to="home",
        on_error=redirect("console:institution", code=code),
    )


@operator_required
def institution_restore(request: HttpRequest) -> HttpResponse:
    """Recreate a deleted institution from one of its archives, with its code typed again."""
    if request.method == "POST":
        done = run_service(
            request,
            lambda: services.institution_restore_archive(
                archive_key=request.POST.get("archive", ""),
                confirmation=request.POST.get("confirmation", ""),
                acting_user=request.user,
            ),
            success=lambda institution: _("学校“%(name)s”已从归档恢复。") % {"name": institution.name},
            redirect_to=lambda institution: redirect("console:institution", code=institution.code),
        )
        if done.response:
            return done.response
    return render(
        request,
        "console/institution_restore.html",
        {"archives": selectors.restorable_archives(), "restore_form": RestoreForm()},
    )


@operator_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    """Background tasks given up after repeated interruptions, or whose last run failed."""
    return render(request, "console/dead_letters.html", {"letters": dead_letter_services.dead_letter_list()})


@require_POST
@operator_required
def dead_letter_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(TaskDelivery, pk=pk)
    return run_and_redirect(
        request,
        lambda: dead_letter_services.dead_letter_retry(delivery=delivery, acting_user=request.user),
        success=_("已重新排队，执行次数从零计起。"),
        to="console:dead_letters",
    )
