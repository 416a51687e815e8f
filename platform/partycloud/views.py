"""The member portal's home page (institution sites)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from services.organization.models import OrgUnit
from services.organization.overview import org_tree_in_scope, tree_scope_for
from services.orglife.todo import orglife_todo
from services.reminders.selectors import kind_label, reminder_list

REMINDERS_SHOWN = 5


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    """The institution's front page: first what asks for the reader today (meetings to check in
    to and coming up; for managers, leave to decide, minutes to finalize and their open reminders),
    then the part of the tree the reader's role covers, with the same counts as the org-tree
    editor — the whole institution only for its administrators, a college for its administrator, a
    branch for its secretary and, for a member, their own branch."""
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
            "todo": orglife_todo(acting_user=request.user, scope=shown.scope),
            "reminders": [
                (reminder, kind_label(reminder.kind)) for reminder in reminder_list(user=request.user)[:REMINDERS_SHOWN]
            ],
        },
    )
