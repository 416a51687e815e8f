"""组织生活会 record API: the meeting's members on the list with their note (self-criticism,
criticism raised, rectification), and saving one member's note.

Thin over life_notes.py; the meeting is looked up as its page does (``writable_meeting``: a 404
for a meeting the caller does not see, a 403 for one they may not write — the recorder and the
unit's managers write). Refusals go through the one exception handler."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer
from services.kernel.text import free_text
from services.members.models import Member

from . import life_notes
from .life_note_views import writable_meeting
from .models import Attendee, LifeMeetingNote

NOTE_MAX = 5000


class LifeNoteSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    self_criticism = serializers.CharField(allow_blank=True)
    criticism_received = serializers.CharField(allow_blank=True)
    rectification = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField(allow_null=True, help_text="null: not written yet")


class LifeNoteSaveSerializer(InputSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), help_text="a member on the list")
    self_criticism = serializers.CharField(
        validators=[free_text], max_length=NOTE_MAX, required=False, allow_blank=True
    )
    criticism_received = serializers.CharField(
        validators=[free_text], max_length=NOTE_MAX, required=False, allow_blank=True
    )
    rectification = serializers.CharField(validators=[free_text], max_length=NOTE_MAX, required=False, allow_blank=True)


def _row(person: Attendee, note: LifeMeetingNote | None) -> dict[str, Any]:
    texts = {field: getattr(note, field) if note else "" for field in life_notes.FIELDS}
    return {"member": person.member_id, "name": person.name, **texts, "updated_at": note.updated_at if note else None}


class LifeNotesView(APIView):
    """GET: everyone on the list with their note; POST: save one member's note (what is not
    sent is saved empty, as the page's form does)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=LifeNoteSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        meeting = writable_meeting(request, pk)  # type: ignore[arg-type]
        rows = [_row(person, note) for person, note in life_notes.life_notes(meeting=meeting)]
        return Response(LifeNoteSerializer(rows, many=True).data)

    @extend_schema(request=LifeNoteSaveSerializer, responses=LifeNoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        meeting = writable_meeting(request, pk)  # type: ignore[arg-type]
        body = LifeNoteSaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        member = data.pop("member")
        note = life_notes.life_note_save(acting_user=request.user, meeting=meeting, member=member, **data)
        return Response(LifeNoteSerializer({**_row_of(note), "updated_at": note.updated_at}).data)


def _row_of(note: LifeMeetingNote) -> dict[str, Any]:
    return {"member": note.member_id, "name": note.name, **{field: getattr(note, field) for field in life_notes.FIELDS}}
