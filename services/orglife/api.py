"""Meetings API: list/create/retrieve/update meetings, cancel one, ask for leave (the caller's own
row), decide a leave request, and the caller's own meetings. Every query goes through
services/orglife/selectors.py, narrowed to the caller's scope (or to the caller's own rows); every
write through the services. Errors go through the one exception handler."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel import inputs
from services.kernel.serializers import InputSerializer
from services.kernel.text import FREE_TEXT_MAX, free_text, single_line
from services.members.models import Member
from services.organization.models import OrgUnit

from . import leave, selectors, services
from .models import Attendee, Meeting
from .selectors import PERIODS


class AttendeeSerializer(serializers.ModelSerializer):
    present = serializers.BooleanField(read_only=True)
    excused = serializers.BooleanField(read_only=True)

    class Meta:
        model = Attendee
        fields = [
            "id",
            "member",
            "dossier",
            "name",
            "role",
            "expected",
            "leave",
            "leave_reason",
            "checked_in_at",
            "checkin_method",
            "late",
            "checked_out_at",
            "present",
            "excused",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "unit",
            "unit_name",
            "kind",
            "topic",
            "agenda",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "host",
            "recorder",
            "lecturer",
            "allow_guests",
            "status",
            "cancel_reason",
            "cancelled_at",
        ]
        read_only_fields = fields


class CountsSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    excused = serializers.IntegerField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    leave_waiting = serializers.IntegerField()


class QuorumSerializer(serializers.Serializer):
    committee = serializers.IntegerField()
    present = serializers.IntegerField()
    needed = serializers.IntegerField()
    met = serializers.BooleanField()
    citation = serializers.CharField()


class MeetingDetailSerializer(MeetingSerializer):
    attendees = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    quorum = serializers.SerializerMethodField(help_text="a committee meeting's quorum; null for other kinds")

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendees", "counts", "quorum"]
        read_only_fields = fields

    @extend_schema(responses=AttendeeSerializer(many=True))
    def get_attendees(self, obj: Meeting) -> list[dict[str, Any]]:
        return AttendeeSerializer(selectors.meeting_attendees(obj), many=True).data  # type: ignore[return-value]

    @extend_schema(responses=CountsSerializer)
    def get_counts(self, obj: Meeting) -> dict[str, Any]:
        counts = selectors.attendee_counts(selectors.meeting_attendees(obj))
        return CountsSerializer(counts).data  # type: ignore[return-value]

    @extend_schema(responses=QuorumSerializer(allow_null=True))
    def get_quorum(self, obj: Meeting) -> dict[str, Any] | None:
        from .quorum import committee_quorum

        quorum = committee_quorum(obj)
        return QuorumSerializer(quorum).data if quorum is not None else None  # type: ignore[return-value]


def _members() -> Any:
    return Member.objects.all()


class MeetingFieldsSerializer(InputSerializer):
    topic = serializers.CharField(validators=[single_line], max_length=200)
    agenda = serializers.CharField(validators=[free_text], max_length=FREE_TEXT_MAX, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(validators=[single_line], max_length=200, required=False, allow_blank=True)
    online_url = serializers.URLField(required=False, allow_blank=True)
    host = serializers.PrimaryKeyRelatedField(queryset=_members(), required=False, allow_null=True)
    recorder = serializers.PrimaryKeyRelatedField(queryset=_members(), required=False, allow_null=True)
    lecturer = serializers.CharField(validators=[single_line], max_length=50, required=False, allow_blank=True)


class MeetingCreateSerializer(MeetingFieldsSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.BRANCH, OrgUnit.Kind.PARTY_GROUP])
    )
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    invitees = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="development dossiers (activists, targets)"
    )
    participants = serializers.PrimaryKeyRelatedField(
        queryset=_members(), many=True, required=False, help_text="谈心谈话: who took part"
    )
    allow_guests = serializers.BooleanField(required=False, default=False)


class MeetingUpdateSerializer(MeetingFieldsSerializer):
    """Every field optional: what is sent is changed (the should-attend list never is)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class CancelSerializer(InputSerializer):
    reason = serializers.CharField(validators=[single_line], max_length=200)


class LeaveSerializer(InputSerializer):
    reason = serializers.CharField(validators=[single_line], max_length=200)


class DecideSerializer(InputSerializer):
    decision = serializers.ChoiceField(choices=[Attendee.Leave.APPROVED, Attendee.Leave.REFUSED])


class MyMeetingSerializer(AttendeeSerializer):
    """One of the caller's rows on a meeting's list, with the meeting."""

    meeting = MeetingSerializer(read_only=True)

    class Meta(AttendeeSerializer.Meta):
        fields = [*AttendeeSerializer.Meta.fields, "meeting"]
        read_only_fields = fields


class MyMeetingsSerializer(serializers.Serializer):
    upcoming = MyMeetingSerializer(many=True)
    history = MyMeetingSerializer(many=True)


LIST_UNIT = inputs.Id("unit", "a branch (its party groups included) or a party group id")
LIST_KIND = inputs.choice("kind", Meeting.Kind.values)
LIST_PERIOD = inputs.choice("period", list(PERIODS))


def _invitees(wanted: list[int], *, unit: OrgUnit) -> list[Any]:
    """The dossiers named as invitees: the unit's branch's activists and development targets."""
    if not wanted:
        return []
    invitees = list(selectors.branch_invitees(unit).filter(pk__in=wanted))
    if len(invitees) != len(set(wanted)):
        raise ValidationError({"invitees": ["列席人员应是本支部的入党积极分子或发展对象。"]})
    return invitees


class MeetingViewSet(viewsets.ModelViewSet):
    """Meetings of the units the caller sees; writes need a manager of the meeting's unit."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeetingSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        if self.action != "list":
            return selectors.meeting_list(acting_user=self.request.user)
        params = self.request.query_params
        return selectors.meeting_list(
            acting_user=self.request.user,
            unit_id=LIST_UNIT.read(params),
            kind=LIST_KIND.read(params) or "",
            period=LIST_PERIOD.read(params) or "all",
        )

    def get_serializer_class(self) -> Any:
        return {
            "create": MeetingCreateSerializer,
            "partial_update": MeetingUpdateSerializer,
            "cancel": CancelSerializer,
            "leave": LeaveSerializer,
            "retrieve": MeetingDetailSerializer,
        }.get(self.action, MeetingSerializer)

    @extend_schema(parameters=[LIST_UNIT.openapi(), LIST_KIND.openapi(), LIST_PERIOD.openapi()])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(MeetingDetailSerializer(self.get_object()).data)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = MeetingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["invitees"] = _invitees(data.pop("invitees", []), unit=data["unit"])
        meeting = services.meeting_create(acting_user=request.user, **data)
        return Response(MeetingDetailSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingUpdateSerializer, responses=MeetingDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change what is sent of a planned meeting that has not started. The should-attend list
        is not recomputed."""
        meeting = self.get_object()
        body = MeetingUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = services.meeting_update(acting_user=request.user, meeting=meeting, **body.validated_data)
        return Response(MeetingDetailSerializer(meeting).data)

    @extend_schema(request=CancelSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Call off a planned meeting that has not started, with a reason; it stays readable."""
        meeting = self.get_object()  # 404 before 400: an id outside the scope reveals nothing
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = services.meeting_cancel(acting_user=request.user, meeting=meeting, **body.validated_data)
        return Response(MeetingDetailSerializer(meeting).data)

    @extend_schema(request=LeaveSerializer, responses=AttendeeSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str) -> Response:
        """Ask for leave from this meeting: the caller's own row on its list (404 if not on it).
        Asking again updates the reason and waits for a decision again."""
        try:
            row = selectors.my_attendee(acting_user=request.user, meeting_pk=int(pk))
        except (Attendee.DoesNotExist, ValueError):
            raise Http404 from None
        body = LeaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = leave.leave_request(acting_user=request.user, attendee=row, **body.validated_data)
        return Response(AttendeeSerializer(row).data)


class LeaveDecideView(APIView):
    """Approve or refuse a leave request (a manager of the meeting's unit)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DecideSerializer, responses=AttendeeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        try:
            row = selectors.attendee_get(acting_user=request.user, pk=pk)
        except Attendee.DoesNotExist:
            raise Http404 from None
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = leave.leave_decide(acting_user=request.user, attendee=row, **body.validated_data)
        return Response(AttendeeSerializer(row).data)


class MyMeetingsView(APIView):
    """The caller's meetings (their member record's, or as an invitee their dossier's): upcoming
    ones, soonest first, and the history with their attendance, newest first (50 each)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MyMeetingsSerializer)
    def get(self, request: Request) -> Response:
        mine = selectors.my_meetings(acting_user=request.user)
        return Response(MyMeetingsSerializer(mine).data)
