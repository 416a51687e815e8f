"""Reminders API: my reminders (list, mark read) and my e-mail preference. Every endpoint
answers about the caller's own reminders only; another user's id is a 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel import inputs
from services.kernel.serializers import InputSerializer

from . import selectors, services
from .models import Reminder, ReminderPreference

STATES = (selectors.OPEN, selectors.RESOLVED, selectors.ALL)


class ReminderSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()
    kind_label = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    resolved = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "detail",
            "due_on",
            "overdue",
            "url",
            "rule_key",
            "citation",
            "member",
            "created_at",
            "read",
            "read_at",
            "resolved",
            "resolved_at",
            "emailed_at",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: Reminder) -> bool:
        return obj.due_on < timezone.localdate()

    def get_kind_label(self, obj: Reminder) -> str:
        return selectors.kind_label(obj.kind)

    def get_read(self, obj: Reminder) -> bool:
        return obj.read_at is not None

    def get_resolved(self, obj: Reminder) -> bool:
        return obj.resolved_at is not None


class PreferenceSerializer(InputSerializer):
    username = serializers.CharField(read_only=True)
    email = serializers.ChoiceField(choices=ReminderPreference.Email.choices)


KIND = inputs.Text("kind", "only this kind, e.g. members.probation_ending", max_length=100)
STATE = inputs.choice("state", STATES, "default: open", default=selectors.OPEN)


@extend_schema(parameters=[KIND.openapi(), STATE.openapi()])
class ReminderListView(generics.ListAPIView):
    """My reminders, overdue first, then by due date."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReminderSerializer

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.reminder_list(user=self.request.user, kind=KIND.read(params), state=STATE.read(params))


class ReminderReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=ReminderSerializer, summary="Mark one of my reminders read")
    def post(self, request: Request, pk: int) -> Response:
        try:
            reminder = selectors.reminder_get(user=request.user, pk=pk)
        except Reminder.DoesNotExist as exc:
            raise Http404 from exc
        services.reminder_mark_read(user=request.user, reminder_ids=[reminder.pk])
        reminder.refresh_from_db()
        return Response(ReminderSerializer(reminder).data)


class ReminderReadAllView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses=inline_serializer("RemindersMarkedRead", {"marked": serializers.IntegerField()}),
        summary="Mark all my unread reminders read",
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": services.reminder_mark_read(user=request.user)})


class ReminderPreferenceView(APIView):
    """How my reminders arrive by e-mail: immediate, daily, weekly (Monday) or off."""

    permission_classes = [permissions.IsAuthenticated]

    def _answer(self, request: Request) -> Response:
        return Response(
            {"username": request.user.get_username(), "email": selectors.reminder_preference(user=request.user)}
        )

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request: Request) -> Response:
        return self._answer(request)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request: Request) -> Response:
        body = PreferenceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.reminder_preference_set(user=request.user, email=body.validated_data["email"])
        return self._answer(request)
