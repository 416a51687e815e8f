"""The member portal's home page (institution sites)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from services.organization.models import OrgUnit
from services.organization.selectors import org_tree


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    """The institution's front page: the tree with the same counts as the org-tree editor."""
    tree = org_tree()
    return render(
        request,
        "partycloud/portal_home.html",
        {
            "units": tree,
            "branch_count": sum(1 for entry in tree if entry.unit.kind == OrgUnit.Kind.BRANCH),
            "member_total": sum(entry.member_count for entry in tree),
        },
    )
