"""Rules API: ``GET /api/rules/`` — the rules in force today (anyone signed in);
``POST /api/rules/overrides/`` — an institution administrator overrides one."""

from __future__ import annotations

from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.accounts.models import User
from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line
from services.rule_overrides.services import rule_override_set

from .resolver import rules_in_force


class RuleValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()
    unit = serializers.CharField()
    title = serializers.CharField()
    citation = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.source
    effective_from = serializers.DateField()
    reason = serializers.CharField()


class OverrideSerializer(InputSerializer):
    key = serializers.CharField(validators=[single_line], max_length=80)
    value = serializers.JSONField()
    effective_from = serializers.DateField()
    reason = serializers.CharField(validators=[single_line], max_length=500)


class OverrideCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    value = serializers.JSONField()
    effective_from = serializers.DateField()
    reason = serializers.CharField()


class RuleListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=RuleValueSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(RuleValueSerializer(rules_in_force(on=timezone.localdate()), many=True).data)


class RuleOverrideCreateView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=OverrideSerializer, responses={201: OverrideCreatedSerializer})
    def post(self, request: Request) -> Response:
        body = OverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(body.validated_data)
        override = rule_override_set(
            key=data["key"],
            value=data["value"],
            effective_from=data["effective_from"],
            reason=data["reason"],
            acting_user=cast(User, request.user),
        )
        return Response(OverrideCreatedSerializer(override).data, status=status.HTTP_201_CREATED)
