"""Platform API for institutions (console host only; platform operators only)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from services.kernel.parsers import StrictJSONParser
from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line
from tenants.models import Institution

from . import services


class IsPlatformOperator(permissions.BasePermission):
    message = _("只有平台运维人员可以管理学校。")

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
