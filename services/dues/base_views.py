"""Pages of the dues bases (党费基数): a manager's list of members with the base in force and
its amount (filters: branch, category, no base yet), one member's base history with the form that
sets a base from a month, and the members' declarations to confirm or refuse. Thin: the rules are
bases.py's and declarations.py's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.inputs import ascii_int
from services.kernel.web import run_and_redirect, run_service
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import scope_for

from . import bases, declarations
from .base_forms import BaseForm, DecisionForm
from .calculation import MissingBase, Tariff
from .models import BaseDeclaration, Category


def managed_branches(request: HttpRequest) -> list[OrgUnit]:
    scope = scope_for(request.user)
    return list(OrgUnit.objects.filter(scope.units_q(manage=True), kind=OrgUnit.Kind.BRANCH).order_by("path"))


def member_for_bases(request: HttpRequest, pk: int) -> Member:
    """The member whose bases the user manages: a 404 if the user does not see the member, a 403
    if they see but do not manage them (the member themself: their page is 我的党费)."""
    member = Member.objects.filter(scope_for(request.user).members_q(), pk=pk).select_related("branch").first()
    if member is None:
        raise Http404
    if not bases.can_manage_bases(acting_user=request.user, member=member):
        raise PermissionDenied(_("您无权设置“%(unit)s”党员的党费基数。") % {"unit": member.branch.name})
    return member


@login_required
def bases_page(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能管理党费基数。"))
    unit_id = ascii_int(request.GET.get("unit", ""))
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    missing = request.GET.get("missing") == "1"
    rows = bases.bases_list(acting_user=request.user, unit_id=unit_id, category=category, missing=missing)
    context: dict[str, Any] = {
        "rows": rows,
        "branches": managed_branches(request),
        "categories": Category.choices,
        "unit_id": unit_id,
        "category": category,
        "missing": missing,
        "month": timezone.localdate().replace(day=1),
    }
    return render(request, "dues/bases.html", context)


@login_required
def base_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_bases(request, pk)
    today = timezone.localdate()
    current = bases.base_in_force(member=member, on=today)
    initial: dict[str, Any] = {"starts_on": today.strftime("%Y-%m")}
    if current is not None:
        initial.update(category=current.category, monthly_base=current.monthly_base or "")
    form = BaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: bases.base_set(acting_user=request.user, member=member, **form.cleaned_data),
            form=form,
            success=lambda base: (
                _("已设置 %(name)s 自%(month)s起的党费基数。")
                % {"name": member.name, "month": bases.month_label(base.starts_on)}
            ),
            redirect_to=lambda base: redirect("dues_bases:edit", pk=member.pk),
        )
        if done.response:
            return done.response
    explanation = ""
    if current is not None:
        try:
            explanation = Tariff.on(today.replace(day=1)).amount(current.category, current.monthly_base).explain()
        except MissingBase:  # a row written outside the service
            explanation = ""
    return render(
        request,
        "dues/base_edit.html",
        {
            "member": member,
            "form": form,
            "current": current,
            "explanation": explanation,
            "history": bases.base_history(member=member),
        },
    )


@login_required
def declarations_page(request: HttpRequest) -> HttpResponse:
    """The declarations of the members the user manages: waiting ones with their two buttons,
    then (``?all=1``) those decided."""
    show_all = request.GET.get("all") == "1"
    found = declarations.declarations_to_decide(acting_user=request.user, include_decided=show_all)
    return render(request, "dues/base_declarations.html", {"declarations": found[:200], "show_all": show_all})


@login_required
@require_POST
def declaration_decide(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        declaration = declarations.declaration_get(acting_user=request.user, pk=pk)
    except BaseDeclaration.DoesNotExist:
        raise Http404 from None
    form = DecisionForm(request.POST)
    confirm = form.is_valid() and form.cleaned_data["confirm"]
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    return run_and_redirect(
        request,
        lambda: declarations.declaration_decide(
            acting_user=request.user, declaration=declaration, confirm=bool(confirm), note=note
        ),
        to=redirect("dues_bases:declarations"),
        success=_("已确认该申报，新的基数已生效。") if confirm else _("已不采纳该申报。"),
    )
