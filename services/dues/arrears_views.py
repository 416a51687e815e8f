"""Arrears pages (欠缴党费): the members behind with their dues in the units the user manages, and
the cases the branch handles (talk, outcome, close). Managers only; a member's own months are on
their 我的党费 page."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.kernel.web import run_service
from services.organization.scope import scope_for
from services.rules.resolver import rule

from . import arrears
from .models import ArrearsCase


class CaseForm(forms.Form):
    talked_on = forms.DateField(
        label=gettext_lazy("谈话日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.CharField(
        label=gettext_lazy("处理结果"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    close = forms.BooleanField(label=gettext_lazy("办结"), required=False)


def require_manager(request: HttpRequest) -> None:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有支部书记、组织委员和组织管理员可以查看欠缴党费情况。"))


def case_or_404(request: HttpRequest, pk: int) -> ArrearsCase:
    require_manager(request)
    try:
        return arrears.case_get(acting_user=request.user, pk=pk)
    except ArrearsCase.DoesNotExist:
        raise Http404 from None


@login_required
def arrears_list(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    today = timezone.localdate()
    context = {
        "rows": arrears.members_in_arrears(acting_user=request.user, today=today),
        "cases": arrears.cases_visible(acting_user=request.user)[:200],
        "limit": rule(arrears.MAX_RULE, on=today),
        "through": arrears.month_before(today),
    }
    return render(request, "dues/arrears_list.html", context)


@login_required
def arrears_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    form = CaseForm(request.POST or None, initial={"talked_on": case.talked_on, "outcome": case.outcome})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: arrears.case_record(acting_user=request.user, case=case, **form.cleaned_data),
            form=form,
            success=_("已保存谈话记录。"),
            redirect_to=reverse("dues_arrears:case", kwargs={"pk": case.pk}),
        )
        if done.response:
            return done.response
    context = {"case": case, "form": form, "citations": arrears.CITATIONS}
    return render(request, "dues/arrears_case.html", context)
