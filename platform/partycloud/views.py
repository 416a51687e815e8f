"""The member portal's home page (institution sites)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import permission_denied as django_permission_denied

from services.audit.services import audit_permission_denied
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.selectors import org_unit_list


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    units = list(
        org_unit_list().annotate(
            member_count=Count("members", filter=~Q(members__status=Member.Status.TRANSFERRED_OUT))
        )
    )
    branches = sum(1 for unit in units if unit.kind == OrgUnit.Kind.BRANCH)
    return render(
        request,
        "partycloud/portal_home.html",
        {
            "units": units,
            "branch_count": branches,
            "member_total": sum(unit.member_count for unit in units),
        },
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page (templates/403.html), after auditing the refusal."""
    audit_permission_denied(request=request, reason=str(exception))
    return django_permission_denied(request, exception)
