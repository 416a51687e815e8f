"""Minutes API: read a meeting's minutes, update them (starting them from the template on first
use), confirm them (host and recorder; the second confirmation finalizes), add an addendum.
Reads go through minutes_selectors (a meeting the caller may not read is a 404), writes through
minutes.py; refusals go through the one exception handler (400 with the Chinese message, 403)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer

from . import minutes as service
from . import minutes_selectors as selectors
from .models import Meeting, Minutes, MinutesAddendum, MinutesAttachment, MinutesSection, MinutesStep


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MinutesSection
        fields = ["code", "title", "hint", "text"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = MinutesAttachment
        fields = ["id", "filename", "content_type", "size", "step", "uploaded_at"]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = MinutesStep
        fields = ["id", "number", "title", "record_required", "record_hint", "text", "attachments"]
        read_only_fields = fields


class AddendumSerializer(serializers.ModelSerializer):
    class Meta:
        model = MinutesAddendum
        fields = ["id", "text", "author_name", "created_at"]
        read_only_fields = fields


class MinutesSerializer(serializers.ModelSerializer):
    template_title = serializers.CharField(source="template.title", read_only=True, default="")
    template_citation = serializers.CharField(source="template.citation", read_only=True, default="")
    sections = SectionSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    addenda = AddendumSerializer(many=True, read_only=True)
    attendance = serializers.JSONField(
        read_only=True,
        help_text="expected, present_count, present, excused and absent (name, reason), invitees, guests",
    )

    class Meta:
        model = Minutes
        fields = [
            "id",
            "meeting",
            "status",
            "template_title",
            "template_citation",
            "attendance",
            "sections",
            "steps",
            "host_confirmed_at",
            "recorder_confirmed_at",
            "finalized_at",
            "addenda",
        ]
        read_only_fields = fields


class MinutesUpdateSerializer(InputSerializer):
    variant = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default="", help_text="template variant when starting"
    )
    sections = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=service.MAX_TEXT), required=False, default=dict
    )
    records = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=service.MAX_TEXT),
        required=False,
        default=dict,
        help_text="step id → record",
    )


class AddendumInputSerializer(InputSerializer):
    text = serializers.CharField(max_length=service.MAX_TEXT)


def _meeting(request: Request, pk: int) -> Meeting:
    try:
        return selectors.meeting_get(acting_user=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _minutes(meeting: Meeting) -> Minutes:
    minutes = selectors.minutes_of(meeting)
    if minutes is None:
        raise Http404
    return minutes


def _loaded(minutes: Minutes) -> Any:
    loaded = (
        Minutes.objects.select_related("template")
        .prefetch_related("sections", "steps__attachments", "addenda")
        .get(pk=minutes.pk)
    )
    return MinutesSerializer(loaded).data


class MinutesView(APIView):
    """The minutes of one meeting (``pk``: the meeting)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MinutesSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_loaded(_minutes(_meeting(request, pk))))

    @extend_schema(request=MinutesUpdateSerializer, responses=MinutesSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        """Write sections (by code) and checklist records (by step id); refused once finalized."""
        meeting = _meeting(request, pk)
        body = MinutesUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        records: dict[int, str] = {}
        for key, value in data["records"].items():
            if not str(key).isascii() or not str(key).isdigit():
                raise serializers.ValidationError({"records": ["步骤编号应为整数。"]})
            records[int(key)] = value
        minutes = service.minutes_start(acting_user=request.user, meeting=meeting, variant=data["variant"])
        minutes = service.minutes_update(
            acting_user=request.user, minutes=minutes, sections=data["sections"], records=records
        )
        return Response(_loaded(minutes))


class MinutesFinalizeView(APIView):
    """Confirm the minutes as the meeting's host and/or recorder; both confirmed: finalized."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=MinutesSerializer)
    def post(self, request: Request, pk: int) -> Response:
        minutes = _minutes(_meeting(request, pk))
        return Response(_loaded(service.minutes_finalize(acting_user=request.user, minutes=minutes)))


class MinutesAddendumView(APIView):
    """Add an addendum to finalized minutes (append-only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AddendumInputSerializer, responses={201: AddendumSerializer})
    def post(self, request: Request, pk: int) -> Response:
        minutes = _minutes(_meeting(request, pk))
        body = AddendumInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        addendum = service.minutes_addendum_add(
            acting_user=request.user, minutes=minutes, text=body.validated_data["text"]
        )
        return Response(AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)
