"""Accounts API: who am I, API tokens (bearer), and token sign-in for API clients."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer, StrictTypesMixin
from services.kernel.text import single_line

from . import lockout, services
from .models import ApiToken, User


class UserSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="may be empty")

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "is_staff", "platform_role", "totp_enabled"]
        read_only_fields = fields


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=UserSerializer, summary="The signed-in user")
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class ApiTokenSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """A token as listed: never the secret itself (only its prefix)."""

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at"]
        extra_kwargs = {"name": {"validators": [single_line]}}


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once, at creation.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = [*ApiTokenSerializer.Meta.read_only_fields, "token"]


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The signed-in user's own API tokens."""

    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        user = cast(User, self.request.user)  # IsAuthenticated
        return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")

    @extend_schema(responses={201: ApiTokenCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = services.api_token_create(user=cast(User, request.user), name=serializer.validated_data["name"])
        data = ApiTokenSerializer(token).data
        data["token"] = raw
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance: ApiToken) -> None:
        services.api_token_revoke(token=instance)


class TokenLoginSerializer(InputSerializer):
    # The lengths of the columns behind them: a longer username was a 500 before any check.
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=4096)
    name = serializers.CharField(default="api", max_length=100, validators=[single_line])


class TokenLoginView(APIView):
    """Exchange a username and password for a bearer token (lockout and throttling apply).
    Accounts with two-factor authentication create tokens in the portal instead."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]

    def get_authenticate_header(self, request: Request) -> str:
        return "Bearer"  # bad credentials are 401 with a challenge, like every other API 401

    @extend_schema(
        request=TokenLoginSerializer, responses={201: ApiTokenCreatedSerializer}, summary="Sign in for a token"
    )
    def post(self, request: Request) -> Response:
        serializer = TokenLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.login_check(
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
            device=request.COOKIES.get(lockout.DEVICE_COOKIE),
        )
        if result.user is None:
            raise exceptions.AuthenticationFailed(result.error)
        if result.needs_totp:
            raise exceptions.PermissionDenied(_("该账号启用了两步验证，请在网页中创建 API 令牌。"))
        services.login_succeeded(user=result.user, device=request.COOKIES.get(lockout.DEVICE_COOKIE))
        token, raw = services.api_token_create(user=result.user, name=serializer.validated_data["name"])
        data = ApiTokenSerializer(token).data
        data["token"] = raw
        return Response(data, status=status.HTTP_201_CREATED)
