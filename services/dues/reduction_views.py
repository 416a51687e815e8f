"""Reduction pages (党费减免): the requests the user reads (their own; those of the members whose
branch they manage), asking for one, and each step's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service
from services.members.models import Member
from services.organization.scope import scope_for

from . import reductions
from .models import Reduction

MONTH = {"type": "month"}


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (the browser's month input), or a full date."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]


class RequestForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("党员"), queryset=Member.objects.none(), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Reduction.Kind.choices)
    starts_on = MonthField(label=gettext_lazy("起始月份"), widget=forms.DateInput(attrs=MONTH, format="%Y-%m"))
    ends_on = MonthField(label=gettext_lazy("截止月份"), widget=forms.DateInput(attrs=MONTH, format="%Y-%m"))
    monthly_amount = forms.CharField(label=gettext_lazy("减免后每月交纳（元）"), max_length=20, required=False)
    reason = forms.CharField(label=gettext_lazy("理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        managed = Member.objects.filter(scope.members_q(manage=True)) if scope.is_manager else Member.objects.none()
        self.fields["member"].queryset = managed.order_by("name")  # type: ignore[attr-defined]
        self.own = Member.objects.filter(user=user).first() if user.is_authenticated else None


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=gettext_lazy("意见"),
        choices=[("1", gettext_lazy("同意")), ("0", gettext_lazy("不同意"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=gettext_lazy("审批意见"), max_length=300, required=False)


def readable(request: HttpRequest, pk: int) -> Reduction:
    try:
        return reductions.reduction_get(acting_user=request.user, pk=pk)
    except Reduction.DoesNotExist:
        raise Http404 from None


@login_required
def reduction_list(request: HttpRequest) -> HttpResponse:
    rows = reductions.reductions_visible(acting_user=request.user).order_by("-requested_at", "-pk")[:200]
    return render(request, "dues/reduction_list.html", {"reductions": rows})


@login_required
def reduction_new(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = data.pop("member") or form.own
        if member is None:
            form.add_error("member", _("请选择党员。"))
        else:
            done = run_service(
                request,
                lambda: reductions.reduction_request(acting_user=request.user, member=member, **data),
                form=form,
                refusals=True,
                success=_("已提交减免申请，等待支部审批。"),
                redirect_to=lambda made: reverse("dues_reductions:detail", kwargs={"pk": made.pk}),
            )
            if done.response:
                return done.response
    return render(request, "dues/reduction_new.html", {"form": form})


@login_required
def reduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = readable(request, pk)
    context = {
        "reduction": item,
        "form": DecideForm(),
        "can_decide": reductions.can_decide(acting_user=request.user, reduction=item),
        "committee": reductions.committee_unit(item.member.branch),
    }
    return render(request, "dues/reduction_detail.html", context)


@login_required
@require_POST
def reduction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = readable(request, pk)
    back = reverse("dues_reductions:detail", kwargs={"pk": item.pk})
    form = DecideForm(request.POST)
    if not form.is_valid():
        return run_and_redirect(request, _invalid, to=back)
    return run_and_redirect(
        request,
        lambda: reductions.reduction_decide(acting_user=request.user, reduction=item, **form.cleaned_data),
        success=_("已记录审批意见。"),
        to=back,
        refusals=True,
    )


def _invalid() -> None:
    raise ValidationError(_("请选择同意或不同意。"))
