"""API of administrative grants and 权限一览, for the institution's administrators:

- ``GET /api/admin-grants/`` (``?unit=``: that unit's) the grants in force or still to start;
- ``POST /api/admin-grants/`` ``{account, unit, role, starts_on?, ends_on?}`` gives one (``account``:
  a username, a name or a student/staff number, as on the page);
- ``POST /api/admin-grants/<id>/revoke/`` ends one now;
- ``GET /api/power-holders/`` (``?unit=&role=``) 权限一览.

Refusals come from the services (grants.py, powers.py) through the API's exception handler."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from services.accounts.models import User
from services.kernel.serializers import InputSerializer

from . import grants, powers
from .models import AdminGrant, OrgUnit


class AdminGrantSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    granted_by = serializers.CharField(source="granted_by.username", default="")

    class Meta:
        model = AdminGrant
        fields = ["id", "user", "username", "unit", "role", "starts_on", "ends_on", "granted_at", "granted_by"]
        read_only_fields = fields


class AdminGrantCreateSerializer(InputSerializer):
    account = serializers.CharField(max_length=150)
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    role = serializers.ChoiceField(choices=AdminGrant.Role.choices)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)


class PowerHolderSerializer(serializers.Serializer):
    kind = serializers.CharField(source="source")  # "grant" or "position"
    role = serializers.CharField()
    role_label = serializers.CharField()
    name = serializers.CharField()
    username = serializers.CharField()
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    granted_by = serializers.CharField()


def _require_admin(request: Request) -> None:
    if not grants.can_grant(acting_user=request.user):
        raise PermissionDenied(_("只有学校管理员可以管理授权。"))


def _unit_param(request: Request) -> OrgUnit | None:
    value = request.query_params.get("unit", "")
    return get_object_or_404(OrgUnit, pk=value) if value.isdigit() else None


@extend_schema(request=AdminGrantCreateSerializer, responses={200: AdminGrantSerializer(many=True)})
@api_view(["GET", "POST"])
def admin_grant_list(request: Request) -> Response:
    _require_admin(request)
    if request.method == "POST":
        body = AdminGrantCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        grant = grants.grant_add(
            user=grants.account_lookup(text=data["account"]),
            unit=data["unit"],
            role=data["role"],
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            acting_user=cast(User, request.user),
        )
        return Response(AdminGrantSerializer(grant).data, status=status.HTTP_201_CREATED)
    shown = AdminGrant.objects.filter(grants.grants_shown_q(on=timezone.localdate()))
    unit = _unit_param(request)
    if unit is not None:
        shown = shown.filter(unit=unit)
    shown = shown.select_related("user", "granted_by").order_by("unit__path", "starts_on", "pk")
    return Response(AdminGrantSerializer(shown, many=True).data)


@extend_schema(request=None, responses=AdminGrantSerializer)
@api_view(["POST"])
def admin_grant_revoke(request: Request, pk: int) -> Response:
    _require_admin(request)
    grant = get_object_or_404(AdminGrant, pk=pk)
    grant = grants.grant_revoke(grant=grant, acting_user=cast(User, request.user))
    return Response(AdminGrantSerializer(grant).data)


@extend_schema(responses=PowerHolderSerializer(many=True))
@api_view(["GET"])
def power_holder_list(request: Request) -> Response:
    lines = powers.power_holders(
        acting_user=request.user, unit=_unit_param(request), role=request.query_params.get("role", "")
    )
    return Response(PowerHolderSerializer(lines, many=True).data)
