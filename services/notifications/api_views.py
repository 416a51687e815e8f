"""Notifications API: my channels per kind of message and my WeChat Work user id (the page's
settings, for the mobile client). Only ever about the caller. (``api.py`` is the capability's
interface for other capabilities: notify, send_to_phone.)"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer

from . import selectors, services
from .kinds import Channel, kinds

KindSerializer = inline_serializer(
    "NotificationKind",
    fields={
        "code": serializers.CharField(),
        "label": serializers.CharField(),
        "channels": serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices)),
    },
)


class SettingsSerializer(serializers.Serializer):
    username = serializers.CharField()
    kinds = serializers.ListField(child=KindSerializer)
    wecom_userid = serializers.CharField()
    reachable = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices))


class SettingsInputSerializer(InputSerializer):
    channels = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices)),
        required=False,
        help_text="kind code → the channels chosen for it; kinds not named keep theirs",
    )
    wecom_userid = serializers.CharField(required=False, allow_blank=True, max_length=64)


class NotificationSettingsView(APIView):
    """My channels for each kind of message, my WeChat Work user id, and where I can be reached now."""

    permission_classes = [permissions.IsAuthenticated]

    def _answer(self, request: Request) -> Response:
        chosen = selectors.chosen_channels(user=request.user)
        return Response(
            {
                "username": request.user.get_username(),
                "kinds": [
                    {"code": code, "label": str(declared.label), "channels": chosen[code]}
                    for code, declared in kinds().items()
                ],
                "wecom_userid": selectors.wecom_userid(user=request.user),
                "reachable": list(selectors.reachable(user=request.user)),
            }
        )

    @extend_schema(responses=SettingsSerializer)
    def get(self, request: Request) -> Response:
        return self._answer(request)

    @extend_schema(request=SettingsInputSerializer, responses=SettingsSerializer)
    def put(self, request: Request) -> Response:
        body = SettingsInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.notification_settings_set(
            acting_user=request.user,
            channels=data.get("channels", {}),
            wecom_user_id=data.get("wecom_userid", selectors.wecom_userid(user=request.user)),
        )
        return self._answer(request)
