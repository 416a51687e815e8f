"""The member portal's home page (institution sites)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from services.organization.models import OrgUnit
from services.organization.overview import org_tree_in_scope, tree_scope_for


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    """The institution's front page: the part of the tree the reader's role covers, with the same
    counts as the org-tree editor — the whole institution only for its administrators, a college
    for its administrator, a branch for its secretary and, for a member, their own branch."""
    shown = tree_scope_for(request.user)
    tree = org_tree_in_scope(shown=shown)
    counted = [entry for entry in tree if entry.counted]
    return render(
        request,
        "partycloud/portal_home.html",
        {
            "units": tree,
            "everything": shown.everything,
            "own_branch_only": not shown.everything and not shown.scope.seen_paths,
            # The units the figures cover, outermost first ("计算机学院党委", or the member's branch).
            "covered": [entry.unit for entry in tree if entry.unit.path in shown.outermost_roots],
            "branch_count": sum(1 for entry in counted if entry.unit.kind == OrgUnit.Kind.BRANCH),
            "member_total": sum(entry.member_count for entry in counted),
        },
    )
