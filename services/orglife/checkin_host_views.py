"""Check-in pages of the host: the screen (phone or projector) with the rotating QR code and
the 6-digit code, kept current with the live attendance by polling ``screen_state``; the
attendance page with hand marks and their undo.

The meeting's host and whoever manages its unit run these pages (``checkin.can_run_checkin``);
someone who sees the meeting otherwise (on its list, or the unit in their scope) gets a 403,
anyone else a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.qr import qr_data_uri
from services.kernel.web import run_and_redirect
from services.organization.scope import scope_for

from . import checkin, checkin_codes
from .models import Attendee, Meeting

POLL_SECONDS = 2  # how often the screen asks for the current code and the attendance


def _sees(request: HttpRequest, meeting: Meeting) -> bool:
    return scope_for(request.user).covers_unit(meeting.unit) or checkin.mine(meeting, request.user) is not None


def _hosted(request: HttpRequest, meeting: Meeting | None) -> Meeting:
    if meeting is None:
        raise Http404
    if checkin.can_run_checkin(acting_user=request.user, meeting=meeting):
        return meeting
    if _sees(request, meeting):
        raise PermissionDenied(checkin.NOT_HOST % {"unit": meeting.unit.name})
    raise Http404


def hosted_meeting(request: HttpRequest, pk: int) -> Meeting:
    return _hosted(request, Meeting.objects.select_related("unit").filter(pk=pk).first())


def hosted_attendee(request: HttpRequest, pk: int) -> Attendee:
    attendee = Attendee.objects.select_related("meeting__unit").filter(pk=pk).first()
    _hosted(request, attendee.meeting if attendee else None)
    assert attendee is not None
    return attendee


def screen_state(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """What the screen shows now: the code (while check-in is open) and who has checked in."""
    now = timezone.now()
    rows = list(meeting.attendees.values("pk", "name", "expected", "leave", "checked_in_at", "late", "checkin_method"))
    present = sorted((r for r in rows if r["checked_in_at"]), key=lambda r: r["checked_in_at"] or now, reverse=True)
    state: dict[str, Any] = {
        "open": checkin.checkin_open(meeting, now),
        "expected": sum(1 for r in rows if r["expected"]),
        "excused": sum(1 for r in rows if r["expected"] and r["leave"] == Attendee.Leave.APPROVED),
        "present": len(present),
        "late": sum(1 for r in present if r["late"]),
        "people": [
            {
                "id": r["pk"],
                "name": r["name"],
                "at": timezone.localtime(r["checked_in_at"]).strftime("%H:%M"),
                "late": r["late"],
                "guest": not r["expected"],
                "manual": r["checkin_method"] == Attendee.Method.MANUAL,
            }
            for r in present
        ],
        "token": "",
        "code": "",
        "url": "",
        "qr": "",
        "seconds_left": 0,
        "notice": "",
    }
    if state["open"]:
        code = checkin_codes.current_code(meeting.checkin_secret, meeting.pk, now)
        url = request.build_absolute_uri(
            reverse("orglife_checkin:scan", kwargs={"pk": meeting.pk, "token": code.token})
        )
        state.update(token=code.token, code=code.digits, url=url, qr=qr_data_uri(url), seconds_left=code.seconds_left)
    else:
        try:
            checkin.require_checkin_open(meeting, now)
        except ValidationError as exc:
            state["notice"] = " ".join(exc.messages)
    return state


@login_required
@never_cache
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = hosted_meeting(request, pk)
    return render(
        request,
        "orglife/checkin_screen.html",
        {
            "meeting": meeting,
            "state": screen_state(request, meeting),
            "poll_ms": POLL_SECONDS * 1000,
            "enter_url": request.build_absolute_uri(reverse("orglife_checkin:enter")),
        },
    )


@login_required
@never_cache
def screen_state_json(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(screen_state(request, hosted_meeting(request, pk)))


class MarkForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("补记原因"),
        max_length=200,
        error_messages={"required": gettext_lazy("请填写补记原因。")},
    )


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone on the list with their check-in, and a hand mark for those not checked in."""
    meeting = hosted_meeting(request, pk)
    attendees = list(meeting.attendees.select_related("marked_by"))
    return render(
        request,
        "orglife/checkin_attendance.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "state": screen_state(request, meeting),
            "poll_ms": POLL_SECONDS * 1000,
            "mark_form": MarkForm(),
        },
    )


@login_required
@require_POST
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    attendee = hosted_attendee(request, pk)
    form = MarkForm(request.POST)
    back = reverse("orglife_checkin:attendance", kwargs={"pk": attendee.meeting_id})
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return run_and_redirect(
        request,
        lambda: checkin.attendance_mark(acting_user=request.user, attendee=attendee, reason=reason),
        success=_("已为“%(name)s”补记签到。") % {"name": attendee.name},
        to=back,
    )


@login_required
def unmark(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a hand mark, after a confirmation (GET shows it)."""
    attendee = hosted_attendee(request, pk)
    if request.method != "POST":
        return render(request, "orglife/checkin_unmark_confirm.html", {"attendee": attendee})
    return run_and_redirect(
        request,
        lambda: checkin.attendance_unmark(acting_user=request.user, attendee=attendee),
        success=_("已撤销“%(name)s”的补记签到。") % {"name": attendee.name},
        to=reverse("orglife_checkin:attendance", kwargs={"pk": attendee.meeting_id}),
    )
