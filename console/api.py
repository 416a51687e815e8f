"""Platform API for institutions and the console's accounts (console host only; platform operators
only)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from services.accounts.models import User
from services.kernel.parsers import StrictJSONParser
from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line
from tenants.models import Institution

from . import platform_users, services


class IsPlatformOperator(permissions.BasePermission):
    message = gettext_lazy("只有平台运维人员可以管理学校。")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "platform_role", "") == "operator")


class InstitutionSerializer(serializers.ModelSerializer):
    domain = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = [
            "code",
            "name",
            "kind",
            "region",
            "status",
            "status_reason",
            "status_changed_at",
            "created_at",
            "last_export_at",
            "domain",
        ]
        read_only_fields = ["status", "status_reason", "status_changed_at", "created_at", "last_export_at", "domain"]

    def get_domain(self, obj: Institution) -> str:
        return services.institution_domain(obj.code)


class InstitutionCreateSerializer(InputSerializer):
    code = serializers.RegexField(r"^[a-z][a-z0-9]{1,29}$", max_length=30, help_text="2–30 lowercase letters or digits")
    name = serializers.CharField(validators=[single_line], max_length=100)
    kind = serializers.ChoiceField(choices=Institution.Kind.choices, default=Institution.Kind.UNIVERSITY)
    region = serializers.CharField(
        validators=[single_line], max_length=50, required=False, allow_blank=True, default=""
    )
    admin_username = serializers.CharField(validators=[single_line], max_length=150, default="admin")


class InstitutionRestoreSerializer(InputSerializer):
    archive = serializers.CharField(
        validators=[single_line], max_length=300, help_text="a storage key: _archives/<code>/<code>-<time>.tar.gz"
    )
    confirmation = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default="", help_text="the code"
    )


def _field(request: Request, name: str) -> str:
    data = request.data if isinstance(request.data, dict) else {}
    return str(data.get(name, ""))


class InstitutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InstitutionSerializer
    permission_classes = [IsPlatformOperator]
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9]{1,30}"
    # JSON only: the console's pages have their own forms, and a form body cannot tell an empty
    # field from a missing one.
    parser_classes = [StrictJSONParser]
    queryset = Institution.objects.all()

    @extend_schema(
        request=InstitutionCreateSerializer,
        responses={
            201: inline_serializer(
                "InstitutionCreated",
                {
                    "institution": InstitutionSerializer(),
                    "admin_username": serializers.CharField(),
                    "admin_password": serializers.CharField(),
                },
            )
        },
    )
    def create(self, request: Request) -> Response:
        data = InstitutionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        institution, password = services.institution_create(**data.validated_data, acting_user=request.user)
        return Response(
            {
                "institution": InstitutionSerializer(institution).data,
                "admin_username": data.validated_data["admin_username"],
                "admin_password": password,
            },
            status=status.HTTP_201_CREATED,
        )

    def _lifecycle(self, func: Any, **kwargs: Any) -> Response:
        institution = func(institution=self.get_object(), acting_user=self.request.user, **kwargs)
        return Response(InstitutionSerializer(institution).data)

    @extend_schema(
        request=inline_serializer("SuspendRequest", {"reason": serializers.CharField(max_length=200)}),
        responses=InstitutionSerializer,
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, code: str) -> Response:
        return self._lifecycle(services.institution_suspend, reason=_field(request, "reason"))

    @extend_schema(request=None, responses=InstitutionSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, code: str) -> Response:
        return self._lifecycle(services.institution_resume)

    @extend_schema(
        request=inline_serializer(
            "ArchiveRequest", {"confirmation": serializers.CharField(max_length=30, help_text="the code")}
        ),
        responses={202: InstitutionSerializer},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, code: str) -> Response:
        """Close, export and archive (the export runs on the worker; the status is "archiving" until
        it is "archived"). The institution's code must be typed again, as on the console page."""
        institution = services.institution_archive_start(
            institution=self.get_object(),
            confirmation=_field(request, "confirmation"),
            acting_user=request.user,
        )
        return Response(InstitutionSerializer(institution).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=InstitutionRestoreSerializer, responses={201: InstitutionSerializer})
    @action(detail=False, methods=["post"])
    def restore(self, request: Request) -> Response:
        """Recreate a deleted institution from an archive in storage. The institution's code must be
        typed again, as on the console page; refused while an institution holds that code."""
        data = InstitutionRestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        institution = services.institution_restore_archive(
            archive_key=data.validated_data["archive"],
            confirmation=data.validated_data["confirmation"],
            acting_user=request.user,
        )
        return Response(InstitutionSerializer(institution).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer("DeleteRequest", {"confirmation": serializers.CharField(max_length=30)}),
        responses={204: None},
    )
    # Not named ``delete``: DRF would take it for the DELETE handler of every route of the viewset.
    @action(detail=True, methods=["post"], url_path="delete", url_name="delete")
    def delete_institution(self, request: Request, code: str) -> Response:
        services.institution_delete(
            institution=self.get_object(),
            confirmation=_field(request, "confirmation"),
            acting_user=request.user,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- console accounts (console/platform_users.py) --------------------------------------------------


class PlatformUserSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="platform_role", read_only=True, help_text="operator or committee")

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "is_active", "last_login", "date_joined", "totp_enabled"]
        read_only_fields = ["id", "username", "display_name", "is_active", "last_login", "date_joined", "totp_enabled"]


class PlatformUserCreateSerializer(InputSerializer):
    username = serializers.CharField(validators=[single_line], max_length=150)
    display_name = serializers.CharField(
        validators=[single_line], max_length=50, required=False, allow_blank=True, default=""
    )
    role = serializers.ChoiceField(choices=[(role.value, role.label) for role in platform_users.ROLES])


class PlatformUserDeleteSerializer(InputSerializer):
    confirmation = serializers.CharField(max_length=150, help_text="the username, typed again")


SET_PASSWORD_URL = serializers.CharField(help_text="shown once: the owner opens it and sets a password")


def _set_password_url(request: Request, link: platform_users.SetPasswordLink) -> str:
    path = reverse("console:platform_user_set_password", kwargs={"uid": link.uid, "token": link.token})
    return request.build_absolute_uri(path)


class ManagesPlatformUsers(IsPlatformOperator):
    message = gettext_lazy("只有平台运维人员可以管理平台账号。")  # type: ignore[assignment]


class PlatformUserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The console's accounts: platform operators and the committee's users (operators only)."""

    serializer_class = PlatformUserSerializer
    permission_classes = [ManagesPlatformUsers]
    lookup_value_regex = r"[0-9]{1,18}"
    parser_classes = [StrictJSONParser]
    queryset = User.objects.order_by("-is_active", "username")

    @extend_schema(
        request=PlatformUserCreateSerializer,
        responses={
            201: inline_serializer(
                "PlatformUserCreated", {"user": PlatformUserSerializer(), "set_password_url": SET_PASSWORD_URL}
            )
        },
    )
    def create(self, request: Request) -> Response:
        """Create an account with no password; the answer carries, once, the link its owner sets one with."""
        data = PlatformUserCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, link = platform_users.platform_user_create(**data.validated_data, acting_user=request.user)
        assert link is not None
        return Response(
            {"user": PlatformUserSerializer(user).data, "set_password_url": _set_password_url(request, link)},
            status=status.HTTP_201_CREATED,
        )

    def _set_active(self, active: bool) -> Response:
        user = platform_users.platform_user_set_active(
            user=self.get_object(), active=active, acting_user=self.request.user
        )
        return Response(PlatformUserSerializer(user).data)

    @extend_schema(request=None, responses=PlatformUserSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request: Request, pk: str) -> Response:
        """Disable the account: its sessions end and its API tokens are revoked at once."""
        return self._set_active(False)

    @extend_schema(request=None, responses=PlatformUserSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk: str) -> Response:
        return self._set_active(True)

    @extend_schema(
        request=None,
        responses=inline_serializer("PlatformUserLink", {"set_password_url": SET_PASSWORD_URL}),
    )
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: str) -> Response:
        """Reset the password: the current one stops working, sessions end, tokens are revoked, and
        a new set-password link is returned once."""
        link = platform_users.platform_user_link_issue(user=self.get_object(), acting_user=request.user)
        return Response({"set_password_url": _set_password_url(request, link)})

    @extend_schema(request=PlatformUserDeleteSerializer, responses={204: None})
    # Not named ``delete``: DRF would take it for the DELETE handler of every route of the viewset.
    @action(detail=True, methods=["post"], url_path="delete", url_name="delete")
    def delete_user(self, request: Request, pk: str) -> Response:
        """Delete the account, with its username typed again, as on the console page."""
        data = PlatformUserDeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        platform_users.platform_user_delete(
            user=self.get_object(), confirmation=data.validated_data["confirmation"], acting_user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
