"""Disclosure pages (党费公开): the published disclosures a user reads (their branch's and the
institution's; managers also those of the units they see), one of them and its PDF; for a unit's
managers, its year as it stands, the use ledger (record, correct) and publishing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from services.kernel.inputs import Number
from services.kernel.web import run_and_redirect, run_service
from services.organization.models import OrgUnit
from services.organization.scope import scope_for

from . import disclosure, use
from .disclosure_models import Disclosure
from .models import UseEntry
from .pdf import disclosure_pdf

YEAR = Number("year", "年度", minimum=disclosure.MIN_YEAR, maximum=2100)


class UseForm(forms.Form):
    spent_on = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    purpose = forms.ChoiceField(label=gettext_lazy("用途"), choices=UseEntry.Purpose.choices)
    amount = forms.CharField(label=gettext_lazy("金额（元）"), max_length=20)
    description = forms.CharField(label=gettext_lazy("摘要"), max_length=200)
    voucher = forms.CharField(label=gettext_lazy("凭证号"), max_length=50, required=False)


def require_unit_manager(request: HttpRequest) -> None:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有本组织的管理者可以管理党费公开。"))


def managed_unit(request: HttpRequest, pk: int) -> OrgUnit:
    """A unit the user manages: 403 for someone who manages nothing, 404 outside their scope."""
    require_unit_manager(request)
    unit = disclosure.managed_units(acting_user=request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def readable(request: HttpRequest, pk: int) -> Disclosure:
    try:
        return disclosure.disclosure_get(acting_user=request.user, pk=pk)
    except Disclosure.DoesNotExist:
        raise Http404 from None


@login_required
def disclosure_list(request: HttpRequest) -> HttpResponse:
    context = {
        "disclosures": disclosure.disclosures_visible(acting_user=request.user)[:100],
        "units": disclosure.managed_units(acting_user=request.user)[:200],
    }
    return render(request, "dues/disclosure_list.html", context)


@login_required
def disclosure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = readable(request, pk)
    return render(request, "dues/disclosure_detail.html", {"disclosure": item, "snap": item.snapshot})


@login_required
def disclosure_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = readable(request, pk)
    response = HttpResponse(disclosure_pdf(item), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dues-disclosure-{item.unit_id}-{item.year}.pdf"'
    return response


@login_required
def disclosure_unit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = managed_unit(request, pk)
    year = YEAR.read(request.GET, default=timezone.localdate().year) or timezone.localdate().year
    context = {
        "unit": unit,
        "year": year,
        "snap": disclosure.disclosure_figures(unit=unit, year=year),
        "lines": use.use_lines(unit=unit, year=year),
        "form": UseForm(initial={"spent_on": timezone.localdate()}),
        "published": Disclosure.objects.filter(unit=unit).order_by("-year", "-published_at")[:20],
    }
    return render(request, "dues/disclosure_unit.html", context)


@login_required
@require_POST
def disclosure_publish(request: HttpRequest, pk: int) -> HttpResponse:
    unit = managed_unit(request, pk)
    year = YEAR.read(request.POST, default=timezone.localdate().year) or timezone.localdate().year
    return run_and_redirect(
        request,
        lambda: disclosure.disclosure_publish(acting_user=request.user, unit=unit, year=year),
        success=_("已向党员公开 %(year)s 年度党费收缴使用情况。") % {"year": year},
        to=f"{reverse('dues_disclosure:unit', kwargs={'pk': unit.pk})}?year={year}",
    )


@login_required
@require_POST
def disclosure_use_record(request: HttpRequest, pk: int) -> HttpResponse:
    unit = managed_unit(request, pk)
    back = reverse("dues_disclosure:unit", kwargs={"pk": unit.pk})
    form = UseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    done = run_service(
        request,
        lambda: use.use_record(acting_user=request.user, unit=unit, **form.cleaned_data),
        success=_("已记录党费使用。"),
        redirect_to=back,
        on_error=back,
    )
    assert done.response is not None
    return done.response


@login_required
@require_POST
def disclosure_use_correct(request: HttpRequest, pk: int) -> HttpResponse:
    require_unit_manager(request)
    line = UseEntry.objects.filter(pk=pk, unit__in=disclosure.managed_units(acting_user=request.user)).first()
    if line is None:
        raise Http404
    return run_and_redirect(
        request,
        lambda: use.use_correct(acting_user=request.user, line=line, reason=request.POST.get("reason", "")[:100]),
        success=_("已冲正这笔记录。"),
        to=reverse("dues_disclosure:unit", kwargs={"pk": line.unit_id}),
    )
