"""Pages of the dues month and ledger, mounted at "dues/": the dues home (the months with their
collection, opening and closing for the committee's managers, the branches the user manages), a
branch's month sheet, recording a payment for a member, a correction, the branch's quarterly
setting and the .xlsx exports. Every open, close and correction asks for confirmation first.

A branch, member or entry outside what the user manages is a 404; the services check again.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import can_manage, scope_for

from . import exports, services
from .calculation import explain
from .forms import ConfirmForm, OpenMonthForm, PaymentForm, ReverseForm, SettingsForm
from .ledger import NOT_YOURS
from .models import BranchSettings, Entry, Month
from .month_sheet import managed_branches, month_rows, sheet
from .months import can_run_months, following, month_label, require_run_months
from .selectors import member_months


def _require_manager(request: HttpRequest) -> None:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有支部书记、组织委员和组织管理员可以管理党费。"))


def _branch_or_404(request: HttpRequest, pk: int) -> OrgUnit:
    scope = scope_for(request.user)
    unit = OrgUnit.objects.filter(scope.units_q(manage=True), pk=pk, kind=OrgUnit.Kind.BRANCH).first()
    if unit is None:
        raise Http404
    return unit


def _sheet_url(unit_id: int, year: int, month: int) -> str:
    return reverse("dues:sheet", kwargs={"pk": unit_id, "year": year, "month": month})


def _next_month() -> tuple[int, int]:
    latest = Month.objects.order_by("-year", "-month").first()
    if latest is None:
        today = timezone.localdate()
        return today.year, today.month
    return following(latest.year, latest.month)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    scope = scope_for(request.user)
    rows = month_rows(scope)
    latest = rows[0].month if rows else None
    return render(
        request,
        "dues/month_home.html",
        {
            "rows": rows,
            "latest": latest,
            "branches": managed_branches(scope).order_by("path")[:100],
            "can_run": can_run_months(request.user),
            "next": _next_month(),
        },
    )


@login_required
def month_open(request: HttpRequest) -> HttpResponse:
    require_run_months(request.user)
    year, month = _next_month()
    form = OpenMonthForm(request.POST or None, initial={"year": year, "month": month})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            request,
            lambda: services.open_month(acting_user=request.user, year=data["year"], month=data["month"]),
            form=form,
            success=lambda billing: (
                _("%(month)s已开账：%(bills)s 条应交记录，合计 %(amount)s 元；%(missing)s 人缺少党费基数。")
                % {
                    "month": month_label(data["year"], data["month"]),
                    "bills": billing.bills,
                    "amount": billing.amount,
                    "missing": len(billing.missing_base),
                }
            ),
            redirect_to="dues:home",
        )
        if done.response:
            return done.response
    return render(request, "dues/month_confirm.html", {"form": form, "action": "open"})


def _month_or_404(pk: int) -> Month:
    month = Month.objects.filter(pk=pk).first()
    if month is None:
        raise Http404
    return month


@login_required
def month_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_run_months(request.user)
    month = _month_or_404(pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.close_month(acting_user=request.user, month=month),
            form=form,
            success=_("%(month)s已结账，此后不能再记入该月。") % {"month": month_label(month.year, month.month)},
            redirect_to="dues:home",
        )
        if done.response:
            return done.response
    return render(request, "dues/month_confirm.html", {"form": form, "action": "close", "month": month})


@login_required
@require_POST
def month_bill_missing(request: HttpRequest, pk: int) -> HttpResponse:
    require_run_months(request.user)
    month = _month_or_404(pk)
    return run_and_redirect(
        request,
        lambda: services.bill_missing(acting_user=request.user, month=month),
        success=lambda billing: (
            _("已补开 %(bills)s 条应交记录；%(missing)s 人缺少党费基数。")
            % {"bills": billing.bills, "missing": len(billing.missing_base)}
        ),
        to="dues:home",
    )


@login_required
def year_close(request: HttpRequest, year: int) -> HttpResponse:
    require_run_months(request.user)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.close_year(acting_user=request.user, year=year),
            form=form,
            success=_("%(year)s年度已结账。") % {"year": year},
            redirect_to="dues:home",
        )
        if done.response:
            return done.response
    return render(request, "dues/month_confirm.html", {"form": form, "action": "year", "year": year})


@login_required
def month_sheet(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    unit = _branch_or_404(request, pk)
    if not 1 <= month <= 12:
        raise Http404
    return render(
        request,
        "dues/month_sheet.html",
        {
            "sheet": sheet(unit=unit, year=year, month=month),
            "label": month_label(year, month),
            "quarterly": BranchSettings.objects.filter(unit=unit, quarterly=True).exists(),
        },
    )


def _member_or_404(request: HttpRequest, pk: int) -> Member:
    member = Member.objects.filter(scope_for(request.user).members_q(), pk=pk).select_related("branch").first()
    if member is None:
        raise Http404
    if not can_manage(acting_user=request.user, unit=member.branch):
        raise PermissionDenied(NOT_YOURS % {"unit": member.branch.name})
    return member


@login_required
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(request, pk)
    owed = [(line.year, line.month, line.outstanding) for line in member_months(member) if line.outstanding > 0]
    form = PaymentForm(request.POST or None, months=owed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {key: data[key] for key in ("amount", "method", "reference", "paid_by_name", "note")}
        months = form.chosen_months()

        def call() -> object:
            if data["kind"] == "voluntary":
                return services.voluntary_record(acting_user=request.user, member=member, **fields)
            return services.payment_record(acting_user=request.user, member=member, months=months, **fields)

        back = request.POST.get("back", "")
        done = run_service(
            request,
            call,
            form=form,
            success=_("已登记 %(name)s 交纳 %(amount)s 元。") % {"name": member.name, "amount": data["amount"]},
            redirect_to=back if back.startswith("/dues/") else reverse("dues:payment", kwargs={"pk": member.pk}),
        )
        if done.response:
            return done.response
    history = Entry.objects.filter(member=member).order_by("-year", "-month", "-pk")[:60]
    return render(
        request,
        "dues/month_payment.html",
        {"member": member, "form": form, "owed": owed, "history": history, "back": request.GET.get("back", "")},
    )


@login_required
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    entry = Entry.objects.filter(scope.units_q("unit__", manage=True), pk=pk).select_related("member", "unit").first()
    if entry is None:
        raise Http404
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            request,
            lambda: services.entry_reverse(
                acting_user=request.user,
                entry=entry,
                reason=data["reason"],
                corrected_amount=data["corrected_amount"],
            ),
            form=form,
            success=_("已冲正。"),
            redirect_to=_sheet_url(entry.unit_id, entry.year, entry.month),
        )
        if done.response:
            return done.response
    return render(request, "dues/month_reverse.html", {"entry": entry, "form": form, "how": explain(entry.basis)})


@login_required
def branch_settings(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _branch_or_404(request, pk)
    current = BranchSettings.objects.filter(unit=unit).first()
    form = SettingsForm(request.POST or None, initial={"quarterly": bool(current and current.quarterly)})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.branch_settings_set(
                acting_user=request.user, unit=unit, quarterly=form.cleaned_data["quarterly"]
            ),
            form=form,
            success=_("已保存党费交纳方式。"),
            redirect_to=reverse("dues:settings", kwargs={"pk": unit.pk}),
        )
        if done.response:
            return done.response
    return render(request, "dues/month_settings.html", {"unit": unit, "form": form})


@login_required
def export_month(request: HttpRequest, pk: int, year: int, month: int) -> FileResponse:
    unit = _branch_or_404(request, pk)
    if not 1 <= month <= 12:
        raise Http404
    stream = exports.month_xlsx(acting_user=request.user, unit=unit, year=year, month=month)
    name = f"dues-{unit.pk}-{year}-{month:02d}.xlsx"
    return FileResponse(stream, as_attachment=True, filename=name, content_type=exports.XLSX)


@login_required
def export_year(request: HttpRequest, pk: int, year: int) -> FileResponse:
    unit = _branch_or_404(request, pk)
    stream = exports.year_xlsx(acting_user=request.user, unit=unit, year=year)
    return FileResponse(stream, as_attachment=True, filename=f"dues-{unit.pk}-{year}.xlsx", content_type=exports.XLSX)
