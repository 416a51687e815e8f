"""The org-tree editor: the tree with counts and warnings for everyone signed in (unit names are
not personal data), editing controls for those who may change a unit. Each POST calls one
service; the service decides, the page only hides controls that would be refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from services.accounts.models import User
from services.kernel.web import run_and_redirect
from services.rules.resolver import rule

from . import forms, grants, offices, selectors, services
from .models import OrgUnit, Position
from .overview import org_tree_in_scope, shape_tree, tree_scope_for
from .scope import Scope, scope_for

# OrgUnitChange.kind, as the history list shows it.
CHANGE_LABELS = {
    "created": gettext_lazy("设立"),
    "renamed": gettext_lazy("更名"),
    "moved": gettext_lazy("调整隶属关系"),
    "merged": gettext_lazy("合并"),
    "closed": gettext_lazy("撤销"),
    "position_assigned": gettext_lazy("任命职务"),
    "position_ended": gettext_lazy("免去职务"),
    "term_set": gettext_lazy("登记换届"),
    "grant_added": gettext_lazy("授予管理权限"),
    "grant_revoked": gettext_lazy("撤销管理权限"),
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required


def _form_errors(form: Any) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _require_change(request: HttpRequest, unit: OrgUnit) -> None:
    """Checked before the form is read, like merge and close: a form's errors are for those who
    may send it (the service checks again)."""
    if not selectors.may_change_unit(scope=scope_for(request.user), unit=unit):
        raise PermissionDenied


def _perform(request: HttpRequest, unit: OrgUnit, action: Callable[[], Any], success: str) -> HttpResponse:
    """Run one service call; a refusal by the rules becomes a message on the unit's page."""
    return run_and_redirect(request, action, success=success, to=redirect("organization:unit", pk=unit.pk), joined=" ")


@login_required
@require_http_methods(["GET", "POST"])
def tree(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    units = org_tree_in_scope(shown=tree_scope_for(request.user))
    root_form = forms.ChildUnitForm(request.POST or None, parent=None) if scope.everything else None
    if request.method == "POST":
        if root_form is None:
            raise PermissionDenied
        if not root_form.is_valid():
            messages.error(request, _form_errors(root_form))
            return redirect("organization:tree")
        return run_and_redirect(
            request,
            lambda: services.org_unit_create(
                name=root_form.cleaned_data["name"],
                kind=root_form.cleaned_data["kind"],
                parent=None,
                acting_user=_user(request),
            ),
            success=lambda unit: _("已设立“%(name)s”。") % {"name": unit.name},
            to=lambda unit: redirect("organization:unit", pk=unit.pk),
            on_error="organization:tree",
            joined=" ",
        )
    editable = {entry.pk for entry in units if _may_edit_anything(scope, entry.unit)}
    return render(
        request,
        "organization/tree.html",
        {
            "units": units,
            "editable": editable,
            "is_manager": scope.is_manager,
            "may_grant": scope.everything,
            "root_form": root_form if not any(entry.unit.parent_id is None for entry in units) else None,
            "warning_count": sum(len(entry.warnings) for entry in units),
        },
    )


def _may_edit_anything(scope: Scope, unit: OrgUnit) -> bool:
    return selectors.may_change_unit(scope=scope, unit=unit) or selectors.may_add_child(scope=scope, parent=unit)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    shown = tree_scope_for(request.user)
    if not shown.shows(unit):
        raise Http404  # another branch's or college's page: as if it did not exist
    scope = shown.scope
    loaded = selectors.org_tree(root=unit, include_closed=unit.closed_on is not None, within=shown.units_q())
    subtree = shape_tree(loaded, shown)
    entry = next(e for e in subtree if e.pk == unit.pk)
    may_change = unit.closed_on is None and selectors.may_change_unit(scope=scope, unit=unit)
    may_add = unit.closed_on is None and selectors.may_add_child(scope=scope, parent=unit)
    term_key = offices.TERM_RULE_KEYS.get(unit.kind)
    term_rule = rule(term_key) if term_key else None
    context: dict[str, Any] = {
        "unit": unit,
        "entry": entry,
        "ancestors": selectors.unit_ancestors(unit=unit),
        "children": [e for e in subtree if e.unit.parent_id == unit.pk],
        "terms": list(selectors.unit_terms(unit=unit)[:5]),
        "term_rule": term_rule,
        "term_years": term_rule.number if term_rule else None,
        "may_change": may_change,
        "may_add": may_add,
        # Who holds which office is shown to those whose scope covers the unit.
        "positions": list(selectors.unit_positions(unit=unit)) if scope.covers_unit(unit) else None,
    }
    if may_add:
        context["child_form"] = forms.ChildUnitForm(parent=unit)
    if unit.closed_on is None and unit.kind != OrgUnit.Kind.PARTY_GROUP and grants.can_grant(acting_user=request.user):
        context.update(grants=list(grants.unit_grants(unit=unit)), grant_form=forms.GrantForm(unit=unit))
    if may_change:
        context.update(
            rename_form=forms.RenameForm(initial={"name": unit.name}),
            move_form=forms.MoveForm(unit=unit, scope=scope) if unit.parent_id else None,
            merge_form=forms.MergeForm(unit=unit, scope=scope) if unit.kind != OrgUnit.Kind.COMMITTEE else None,
            close_form=forms.CloseForm(),
            term_form=forms.TermForm() if term_key else None,
            position_form=forms.PositionAssignForm(unit=unit),
            end_form=forms.PositionEndForm(),
            history=[(c, CHANGE_LABELS.get(c.kind, c.kind)) for c in selectors.unit_history(unit=unit)],
        )
    return render(request, "organization/unit.html", context)


@login_required
@require_POST
def unit_add_child(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_object_or_404(OrgUnit, pk=pk)
    if not selectors.may_add_child(scope=scope_for(request.user), parent=parent):
        raise PermissionDenied
    form = forms.ChildUnitForm(request.POST, parent=parent)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("organization:unit", pk=parent.pk)
    data = form.cleaned_data
    return _perform(
        request,
        parent,
        lambda: services.org_unit_create(
            name=data["name"],
            kind=data["kind"],
            parent=parent,
            branch_kind=data.get("branch_kind") or "",
            sort_order=data.get("sort_order") or 0,
            acting_user=_user(request),
        ),
        _("已设立“%(name)s”。") % {"name": data["name"]},
    )


@login_required
@require_POST
def unit_rename(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    _require_change(request, unit)
    form = forms.RenameForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("organization:unit", pk=unit.pk)
    name = form.cleaned_data["name"]
    return _perform(
        request,
        unit,
        lambda: services.org_unit_rename(unit=unit, name=name, acting_user=_user(request)),
        _("已更名为“%(name)s”。") % {"name": name},
    )


@login_required
@require_POST
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    _require_change(request, unit)
    form = forms.MoveForm(request.POST, unit=unit, scope=scope_for(request.user))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("organization:unit", pk=unit.pk)
    new_parent = form.cleaned_data["new_parent"]
    return _perform(
        request,
        unit,
        lambda: services.org_unit_move(unit=unit, new_parent=new_parent, acting_user=_user(request)),
        _("已移至“%(name)s”之下。") % {"name": new_parent.name},
    )


@login_required
@require_POST
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """First POST: a confirmation page that says what will move. Second POST (confirm=yes): merge."""
    unit = get_object_or_404(OrgUnit, pk=pk)
    scope = scope_for(request.user)
    if not selectors.may_change_unit(scope=scope, unit=unit):
        raise PermissionDenied
    form = forms.MergeForm(request.POST, unit=unit, scope=scope)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("organization:unit", pk=unit.pk)
    target, on_date = form.cleaned_data["target"], form.cleaned_data.get("on_date")
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "organization/confirm.html",
            {
                "unit": unit,
                "action": "merge",
                "target": target,
                "on_date": on_date,
                "member_count": unit.members.count(),
                "children": list(selectors.unit_children(unit=unit, include_closed=True)),
            },
        )
    return _perform(
        request,
        target,
        lambda: services.org_unit_merge(source=unit, target=target, on_date=on_date, acting_user=_user(request)),
        _("“%(source)s”已并入“%(target)s”。") % {"source": unit.name, "target": target.name},
    )


@login_required
@require_POST
def unit_close(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    if not selectors.may_change_unit(scope=scope_for(request.user), unit=unit):
        raise PermissionDenied
    form = forms.CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("organization:unit", pk=unit.pk)
    on_date = form.cleaned_data.get("on_date")
    if request.POST.get("confirm") != "yes":
        return render(request, "organization/confirm.html", {"unit": unit, "action": "close", "on_date": on_date})
    return _perform(
        request,
        unit,
        lambda: services.org_unit_close(unit=unit, on_date=on_date, acting_user=_user(request)),
        _("“%(name)s”已撤销。") % {"name": unit.name},
    )


@login_required
@require_POST
def unit_term(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    _require_change(request, unit)
    form = forms.TermForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("organization:unit", pk=unit.pk)
    data = form.cleaned_data
    return _perform(
        request,
        unit,
        lambda: offices.term_set(
            unit=unit,
            started_on=data["started_on"],
            ends_on=data.get("ends_on"),
            acting_user=_user(request),
        ),
        _("届期已保存。"),
    )


@login_required
@require_POST
def position_assign(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    _require_change(request, unit)
    form = forms.PositionAssignForm(request.POST, unit=unit)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("organization:unit", pk=unit.pk)
    data = form.cleaned_data
    return _perform(
        request,
        unit,
        lambda: offices.position_assign(
            member=data["member"],
            unit=unit,
            kind=data["kind"],
            started_on=data["started_on"],
            acting_user=_user(request),
        ),
        _("已任命。"),
    )


@login_required
@require_POST
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(Position.objects.select_related("unit"), pk=pk)
    _require_change(request, position.unit)
    form = forms.PositionEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("organization:unit", pk=position.unit_id)
    ended_on = form.cleaned_data["ended_on"]
    return _perform(
        request,
        position.unit,
        lambda: offices.position_end(position=position, ended_on=ended_on, acting_user=_user(request)),
        _("已免职。"),
    )
