"""Check-in pages of a member's phone: the link in the QR code (opening it checks in), the
code-entry page for phones without a camera, and the result with check-out.

A phone that scans the QR code before signing in keeps the moment it scanned a valid code in its
session (``SCANS``), so the sign-in that follows does not make the code expire on the way; a
screenshot forwarded to someone else's phone is checked when that phone opens it, and fails.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from services.kernel.web import error_lines, run_and_redirect, run_service

from . import checkin, checkin_codes
from .models import Attendee, Meeting

SCANS = "orglife_checkin_scans"  # session: meeting id → [token, ISO time it was valid]


def _remember_scan(request: HttpRequest, meeting: Meeting, token: str, now: datetime) -> None:
    scans = dict(request.session.get(SCANS, {}))
    if scans.get(str(meeting.pk), [None])[0] == token:
        return
    scans[str(meeting.pk)] = [token, now.isoformat()]
    request.session[SCANS] = scans


def _scanned_at(request: HttpRequest, meeting: Meeting, token: str) -> datetime | None:
    found = request.session.get(SCANS, {}).get(str(meeting.pk))
    if not found or found[0] != token:
        return None
    return datetime.fromisoformat(found[1])


def _meeting_or_404(pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("unit").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def scan(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The QR code's link: remember a valid scan, send the visitor to sign in if needed, then
    check in at once (one scan, one request: a lecture hall at the door) and show the result, or
    the refusal."""
    now = timezone.now()
    meeting = Meeting.objects.select_related("unit").filter(pk=pk).first()
    if meeting is not None and checkin_codes.check(meeting.checkin_secret, meeting.pk, token, now) == (
        checkin_codes.Check.VALID
    ):
        _remember_scan(request, meeting, token, now)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if meeting is None:
        raise Http404
    done = run_service(
        request,
        lambda: checkin.checkin_record(
            acting_user=request.user,
            meeting=meeting,
            token=token,
            now=now,
            scanned_at=_scanned_at(request, meeting, token),
        ),
        success=lambda result: result.message,
        redirect_to=reverse("orglife_checkin:done", kwargs={"pk": meeting.pk}),
    )
    if done.response:
        return done.response
    refusal = error_lines(done.error) if done.error else []
    return render(request, "orglife/checkin_scan.html", {"refusal": refusal})


class CodeForm(forms.Form):
    meeting = forms.TypedChoiceField(label=gettext_lazy("会议"), coerce=int, widget=forms.RadioSelect)
    code = forms.RegexField(
        label=gettext_lazy("签到码"),
        regex=r"^\s*\d{3}[\s-]?\d{3}\s*$",
        error_messages={"invalid": gettext_lazy("请输入屏幕上的 6 位数字签到码。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "7"}),
    )

    def __init__(self, *args: object, meetings: list[Meeting], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["meeting"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(m.pk, f"{m.topic}（{timezone.localtime(m.starts_at):%H:%M}）") for m in meetings]
        if len(meetings) == 1:
            field.initial = meetings[0].pk


@login_required
def enter(request: HttpRequest) -> HttpResponse:
    """Check in by typing the 6-digit code, to one of the member's meetings open now."""
    now = timezone.now()
    meetings = checkin.open_meetings_of(user=request.user, now=now)
    form = CodeForm(request.POST if request.method == "POST" else None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        meeting = next(m for m in meetings if m.pk == form.cleaned_data["meeting"])
        done = run_service(
            request,
            lambda: checkin.checkin_record(
                acting_user=request.user, meeting=meeting, code=form.cleaned_data["code"], now=now
            ),
            form=form,
            form_field="code",
            success=lambda result: result.message,
            redirect_to=reverse("orglife_checkin:done", kwargs={"pk": meeting.pk}),
        )
        if done.response:
            return done.response
    return render(request, "orglife/checkin_enter.html", {"form": form, "meetings": meetings})


def _my_row_or_404(request: HttpRequest, pk: int) -> Attendee:
    meeting = _meeting_or_404(pk)
    attendee = checkin.mine(meeting, request.user)
    if attendee is None:
        raise Http404
    attendee.meeting = meeting
    return attendee


@login_required
def done(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's own attendance at one meeting, with check-out while check-in is open."""
    attendee = _my_row_or_404(request, pk)
    meeting = attendee.meeting
    return render(
        request,
        "orglife/checkin_done.html",
        {
            "meeting": meeting,
            "attendee": attendee,
            "can_check_out": attendee.present
            and attendee.checked_out_at is None
            and checkin.checkin_open(meeting, timezone.now()),
        },
    )


@login_required
@require_POST
def checkout(request: HttpRequest, pk: int) -> HttpResponse:
    attendee = _my_row_or_404(request, pk)
    return run_and_redirect(
        request,
        lambda: checkin.checkout_record(acting_user=request.user, meeting=attendee.meeting),
        success=_("已签退。"),
        to=reverse("orglife_checkin:done", kwargs={"pk": pk}),
    )
