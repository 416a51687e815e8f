"""Meeting pages of the portal: the meetings of the units the user sees (by kind and period), a new
meeting (unit and kind, then the meeting), a meeting with its should-attend list, leave and
check-in state, its change and cancellation, 我的会议 (the signed-in person's meetings, leave),
the leave requests waiting for a manager, and a branch's party groups.

Views parse, authorize and call one selector or service. A meeting outside the user's scope is a
404; one in sight but not managed gets a 403 on every write (the services check again).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service
from services.organization.models import OrgUnit
from services.organization.scope import can_manage, scope_for

from . import leave, selectors, services
from .forms import (
    GroupAssignForm,
    LeaveDecideForm,
    LeaveRequestForm,
    MeetingCancelForm,
    MeetingCreateForm,
    MeetingFieldsForm,
    MeetingStartForm,
)
from .groups import branch_groups, group_overview, party_group_assign
from .models import Attendee, Meeting
from .quorum import committee_quorum
from .work_links import meeting_work_links

PERIOD_LABELS = {
    "all": gettext_lazy("全部"),
    "upcoming": gettext_lazy("未开始"),
    "month": gettext_lazy("本月"),
    "quarter": gettext_lazy("本季度"),
    "year": gettext_lazy("本年"),
    "past": gettext_lazy("已开始"),
}


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_get(acting_user=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _require_manage(request: HttpRequest, unit: OrgUnit) -> None:
    """Checked before a form is shown; the services check the same."""
    if not can_manage(acting_user=request.user, unit=unit):
        raise PermissionDenied(services.NOT_YOURS % {"unit": unit.name})


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.seen_paths and not scope.everything:
        return redirect("orglife:mine")  # nothing to list: the person's own meetings
    kind = request.GET.get("kind", "")
    period = request.GET.get("period", "all")
    unit_id = _int(request.GET.get("unit"))
    meetings = selectors.meeting_list(acting_user=request.user, scope=scope, unit_id=unit_id, kind=kind, period=period)
    managed = selectors.managed_units(acting_user=request.user).filter(kind=OrgUnit.Kind.BRANCH)
    return render(
        request,
        "orglife/meetings_list.html",
        {
            "meetings": meetings[:200],
            "kinds": Meeting.Kind.choices,
            "periods": list(PERIOD_LABELS.items()),
            "kind": kind,
            "period": period,
            "unit_id": unit_id,
            "can_create": scope.is_manager,
            "managed_branches": managed[:20],
            "now": timezone.now(),
        },
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有支部书记、副书记、组织委员和组织管理员可以安排会议。"))
    units = selectors.managed_units(acting_user=request.user)
    source = request.POST if request.method == "POST" else request.GET
    start = MeetingStartForm(source if "unit" in source else None, units=units)
    if not start.is_valid():
        return render(request, "orglife/meetings_create.html", {"start": start, "form": None})
    unit, kind = start.cleaned_data["unit"], start.cleaned_data["kind"]
    form = MeetingCreateForm(
        request.POST if request.method == "POST" else None,
        members=selectors.branch_members(unit),
        invitees=selectors.branch_invitees(unit),
        kind=kind,
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        done = run_service(
            request,
            lambda: services.meeting_create(acting_user=request.user, unit=unit, kind=kind, **fields),
            form=form,
            success=_("已安排会议，应到人员名单已生成。"),
            redirect_to=lambda meeting: redirect("orglife:meeting_detail", pk=meeting.pk),
        )
        if done.response:
            return done.response
    context = {"start": start, "form": form, "unit": unit, "kind": kind, "kind_label": Meeting.Kind(kind).label}
    return render(request, "orglife/meetings_create.html", context, status=400 if form.errors else 200)


def _editable(meeting: Meeting) -> bool:
    return meeting.status == Meeting.Status.PLANNED and meeting.starts_at > timezone.now()


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    attendees = selectors.meeting_attendees(meeting)
    return render(
        request,
        "orglife/meetings_detail.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "counts": selectors.attendee_counts(attendees),
            "quorum": committee_quorum(meeting),
            "can_manage": can_manage(acting_user=request.user, unit=meeting.unit),
            "editable": _editable(meeting),
            "decide_form": LeaveDecideForm(),
            "work": meeting_work_links(acting_user=request.user, meeting=meeting),
        },
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    _require_manage(request, meeting.unit)
    if not _editable(meeting):
        messages.error(request, _("只能修改尚未开始、未取消的会议。"))
        return redirect("orglife:meeting_detail", pk=meeting.pk)
    initial = {name: getattr(meeting, name) for name in services.EDITABLE}
    initial["starts_at"] = timezone.localtime(meeting.starts_at)
    initial["ends_at"] = timezone.localtime(meeting.ends_at)
    form = MeetingFieldsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        members=selectors.branch_members(meeting.unit),
        kind=meeting.kind,
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.meeting_update(acting_user=request.user, meeting=meeting, **form.cleaned_data),
            form=form,
            success=_("会议信息已修改。"),
            redirect_to=redirect("orglife:meeting_detail", pk=meeting.pk),
        )
        if done.response:
            return done.response
    return render(request, "orglife/meetings_edit.html", {"meeting": meeting, "form": form})


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    _require_manage(request, meeting.unit)
    form = MeetingCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.meeting_cancel(acting_user=request.user, meeting=meeting, **form.cleaned_data),
            form=form,
            success=_("会议已取消。"),
            redirect_to=redirect("orglife:meeting_detail", pk=meeting.pk),
        )
        if done.response:
            return done.response
    return render(request, "orglife/meetings_cancel.html", {"meeting": meeting, "form": form})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的会议: what is coming (with leave), and the history with the person's attendance."""
    scope = scope_for(request.user)
    context: dict[str, Any] = {"my": selectors.my_meetings(acting_user=request.user), "now": timezone.now()}
    if scope.is_manager:
        context["leave_waiting"] = selectors.leave_waiting(acting_user=request.user, scope=scope).count()
    context["sees_meetings"] = scope.everything or bool(scope.seen_paths)
    return render(request, "orglife/meetings_mine.html", context)


def _my_row_or_404(request: HttpRequest, pk: int) -> Attendee:
    try:
        return selectors.my_attendee(acting_user=request.user, meeting_pk=pk)
    except Attendee.DoesNotExist:
        raise Http404 from None


@login_required
def leave_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for leave from meeting ``pk`` (the person's own row on its list)."""
    row = _my_row_or_404(request, pk)
    form = LeaveRequestForm(request.POST if request.method == "POST" else None, initial={"reason": row.leave_reason})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: leave.leave_request(acting_user=request.user, attendee=row, **form.cleaned_data),
            form=form,
            success=_("请假申请已提交，等待支部审批。"),
            redirect_to="orglife:mine",
        )
        if done.response:
            return done.response
    return render(request, "orglife/meetings_leave.html", {"row": row, "meeting": row.meeting, "form": form})


@login_required
@require_POST
def leave_decide(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.attendee_get(acting_user=request.user, pk=pk)
    except Attendee.DoesNotExist:
        raise Http404 from None
    _require_manage(request, row.meeting.unit)
    back = request.POST.get("next") == "list"
    to = redirect("orglife:leave_list") if back else redirect("orglife:meeting_detail", pk=row.meeting_id)
    form = LeaveDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择准假或不准假。"))
        return to
    decision = form.cleaned_data["decision"]
    return run_and_redirect(
        request,
        lambda: leave.leave_decide(acting_user=request.user, attendee=row, decision=decision),
        success=(_("已准假：%(name)s") if decision == Attendee.Leave.APPROVED else _("未准假：%(name)s"))
        % {"name": row.name},
        to=to,
    )


@login_required
def leave_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_manager:
        raise PermissionDenied(_("只有会议所在组织的书记、副书记、组织委员和组织管理员可以审批请假。"))
    rows = selectors.leave_waiting(acting_user=request.user, scope=scope)[:200]
    return render(request, "orglife/meetings_leave_list.html", {"rows": rows})


@login_required
def groups(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch's party groups, their members and size warnings; managers move members."""
    try:
        branch = selectors.branch_get(acting_user=request.user, pk=pk)
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    managing = can_manage(acting_user=request.user, unit=branch)
    form = GroupAssignForm(
        request.POST if request.method == "POST" else None,
        groups=OrgUnit.objects.filter(pk__in=[g.pk for g in branch_groups(branch)]).order_by("name", "pk"),
        members=selectors.branch_members(branch),
    )
    if request.method == "POST":
        _require_manage(request, branch)
        if form.is_valid():
            done = run_service(
                request,
                lambda: party_group_assign(acting_user=request.user, branch=branch, **form.cleaned_data),
                form=form,
                success=lambda n: _("已调整 %(n)s 名党员的党小组。") % {"n": n},
                redirect_to=redirect("orglife:groups", pk=branch.pk),
            )
            if done.response:
                return done.response
    context = {"branch": branch, "overview": group_overview(branch=branch), "form": form, "can_manage": managing}
    return render(request, "orglife/meetings_groups.html", context, status=400 if form.errors else 200)
