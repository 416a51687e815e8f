"""Pages of administrative grants: give and revoke a grant from a unit's page (管理授权), and
权限一览 — everyone who holds power in the institution, filterable and exported. For the
institution's administrators; the services decide (grants.py, powers.py)."""

from __future__ import annotations

import io
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.accounts.models import User
from services.kernel.web import run_and_redirect

from . import forms, grants, powers
from .models import AdminGrant, OrgUnit

POWERS_SHOWN = 2000  # lines on the page; the export has them all


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required


@login_required
@require_POST
def grant_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    if not grants.can_grant(acting_user=request.user):
        raise PermissionDenied
    form = forms.GrantForm(request.POST, unit=unit)
    back = redirect("organization:unit", pk=unit.pk)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return back
    data = form.cleaned_data

    def give() -> AdminGrant:
        return grants.grant_add(
            user=grants.account_lookup(text=data["account"]),
            unit=unit,
            role=data["role"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            acting_user=_user(request),
        )

    return run_and_redirect(
        request,
        give,
        success=lambda grant: (
            _("已授予%(user)s“%(role)s”权限。") % {"user": grant.user.username, "role": grant.get_role_display()}
        ),
        to=back,
        joined=" ",
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """First POST: a confirmation page naming whom and what. Second POST (confirm=yes): revoke."""
    grant = get_object_or_404(AdminGrant.objects.select_related("unit", "user"), pk=pk)
    if not grants.can_grant(acting_user=request.user):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        return render(request, "organization/grant_confirm.html", {"grant": grant})
    return run_and_redirect(
        request,
        lambda: grants.grant_revoke(grant=grant, acting_user=_user(request)),
        success=_("已撤销%(user)s的“%(role)s”权限。") % {"user": grant.user.username, "role": grant.get_role_display()},
        to=redirect("organization:unit", pk=grant.unit_id),
        joined=" ",
    )


@login_required
def power_list(request: HttpRequest) -> HttpResponse:
    """权限一览; ``?format=csv`` or ``xlsx`` downloads the same lines."""
    if not grants.can_grant(acting_user=request.user):
        raise PermissionDenied
    units = OrgUnit.objects.filter(closed_on__isnull=True).order_by("path")
    unit_id = request.GET.get("unit", "")
    unit = units.filter(pk=unit_id).first() if unit_id.isdigit() else None
    role = request.GET.get("role", "")
    role = role if role in dict(powers.role_choices()) else ""
    fmt = request.GET.get("format", "")
    if fmt in powers.EXPORT_FORMATS:
        out = io.BytesIO()
        powers.power_holders_export(acting_user=_user(request), out=out, fmt=fmt, unit=unit, role=role)
        content_type = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(out.getvalue(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="powers.{fmt}"'
        return response
    lines = powers.power_holders(acting_user=_user(request), unit=unit, role=role)
    return render(
        request,
        "organization/powers.html",
        {
            "lines": lines[:POWERS_SHOWN],
            "total": len(lines),
            "truncated": len(lines) > POWERS_SHOWN,
            "units": units,
            "unit": unit,
            "role": role,
            "roles": powers.role_choices(),
            "query": request.GET.urlencode(),
        },
    )
