"""Check-in API: check in to a meeting with its rotating code (the QR code's token or the 6-digit
code) and check out, for the signed-in user; for the host (a host app): the screen's current code
and state, the attendance list, hand marks and their undo.

Thin over checkin.py and the host pages' own lookups (checkin_host_views: the meeting's host and
its unit's managers; someone who sees the meeting otherwise gets a 403, anyone else a 404).
Refusals go through the one exception handler (400 with the Chinese message, 403, 404)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line

from . import checkin
from .api import AttendeeSerializer
from .checkin_host_views import hosted_attendee, hosted_meeting, screen_state
from .models import Attendee, Meeting

CODE_NEEDED = gettext_lazy("请输入屏幕上的 6 位数字签到码。")
REASON_NEEDED = gettext_lazy("请填写补记原因。")


class CheckinSerializer(InputSerializer):
    """One of the two: the token of the QR code's link, or the 6-digit code typed in."""

    token = serializers.CharField(max_length=64, required=False, allow_blank=True)
    code = serializers.CharField(max_length=16, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("token") or "").strip() and not (attrs.get("code") or "").strip():
            raise serializers.ValidationError({"code": [CODE_NEEDED]})
        return attrs


class CheckinResultSerializer(serializers.Serializer):
    attendee = AttendeeSerializer()
    already = serializers.BooleanField(help_text="checked in before: nothing changed")
    message = serializers.CharField()


class ScreenPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    at = serializers.CharField(help_text="HH:MM, local time")
    late = serializers.BooleanField()
    guest = serializers.BooleanField()
    manual = serializers.BooleanField()


class ScreenStateSerializer(serializers.Serializer):
    """What the host's screen shows now; the code fields are empty while check-in is closed."""

    open = serializers.BooleanField()
    expected = serializers.IntegerField()
    excused = serializers.IntegerField()
    present = serializers.IntegerField()
    late = serializers.IntegerField()
    people = ScreenPersonSerializer(many=True)
    token = serializers.CharField(allow_blank=True)
    code = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    qr = serializers.CharField(allow_blank=True, help_text="the QR code of url, as a data: URI")
    seconds_left = serializers.IntegerField()
    notice = serializers.CharField(allow_blank=True)


class HostAttendeeSerializer(AttendeeSerializer):
    marked_by = serializers.CharField(source="marked_by.username", read_only=True, default="")

    class Meta(AttendeeSerializer.Meta):
        fields = [*AttendeeSerializer.Meta.fields, "marked_by", "mark_reason"]
        read_only_fields = fields


class MarkSerializer(InputSerializer):
    reason = serializers.CharField(
        validators=[single_line],
        max_length=200,
        error_messages={"required": REASON_NEEDED, "blank": REASON_NEEDED, "null": REASON_NEEDED},
    )


def _meeting(pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("unit").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


class CheckinView(APIView):
    """Check the caller in (anyone signed in may try: the code is the proof of presence). Checking
    in again changes nothing and says when the first check-in was."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CheckinSerializer, responses=CheckinResultSerializer)
    def post(self, request: Request, pk: int) -> Response:
        meeting = _meeting(pk)
        body = CheckinSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = checkin.checkin_record(
            acting_user=request.user,
            meeting=meeting,
            token=body.validated_data.get("token", "").strip(),
            code=body.validated_data.get("code", "").strip(),
        )
        return Response(
            CheckinResultSerializer(
                {"attendee": result.attendee, "already": result.already, "message": result.message}
            ).data
        )


class CheckoutView(APIView):
    """Check the caller out (签退) while check-in is open: their own row (404 if not on the list)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=AttendeeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        meeting = _meeting(pk)
        if checkin.mine(meeting, request.user) is None:
            raise Http404
        return Response(AttendeeSerializer(checkin.checkout_record(acting_user=request.user, meeting=meeting)).data)


class ScreenStateView(APIView):
    """The host's screen now: the current code (while check-in is open) and who has checked in.
    Poll it every few seconds; the code rotates."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ScreenStateSerializer)
    def get(self, request: Request, pk: int) -> Response:
        state = screen_state(request, hosted_meeting(request, pk))  # type: ignore[arg-type]
        response = Response(ScreenStateSerializer(state).data)
        response["Cache-Control"] = "no-store"
        return response


class AttendanceView(APIView):
    """Everyone on the meeting's list (and guests) with their check-in and hand marks."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=HostAttendeeSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        meeting = hosted_meeting(request, pk)  # type: ignore[arg-type]
        rows = Attendee.objects.filter(meeting=meeting).select_related("marked_by").order_by("pk")
        return Response(HostAttendeeSerializer(rows, many=True).data)


class MarkView(APIView):
    """The host marks someone present by hand (主持人补记), with a reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkSerializer, responses=HostAttendeeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        attendee = hosted_attendee(request, pk)  # type: ignore[arg-type]
        body = MarkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = checkin.attendance_mark(acting_user=request.user, attendee=attendee, **body.validated_data)
        return Response(HostAttendeeSerializer(row).data)


class UnmarkView(APIView):
    """Undo a hand mark (a self check-in cannot be undone)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=HostAttendeeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        attendee = hosted_attendee(request, pk)  # type: ignore[arg-type]
        row = checkin.attendance_unmark(acting_user=request.user, attendee=attendee)
        return Response(HostAttendeeSerializer(row).data)
