"""Organization tree API. Everyone signed in reads the tree (unit names are not personal data);
writes go through services/organization/services.py, which checks the caller's scope:
POST creates a unit, PATCH renames (``name``) and/or moves (``parent``) one, and
``GET warnings/`` lists the structural warnings of the units the caller manages."""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from services.accounts.models import User
from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line

from . import selectors, services
from .models import OrgUnit
from .overview import org_tree_in_scope, tree_scope_for


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "branch_kind", "parent", "path", "sort_order", "closed_on"]
        read_only_fields = fields


class OrgUnitCreateSerializer(InputSerializer):
    name = serializers.CharField(validators=[single_line], max_length=100)
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]  # a field, not the serializer's parent
        queryset=OrgUnit.objects.all(), allow_null=True, required=False
    )
    branch_kind = serializers.ChoiceField(choices=OrgUnit.BranchKind.choices, required=False, allow_blank=True)
    sort_order = serializers.IntegerField(min_value=0, required=False)


class OrgUnitUpdateSerializer(InputSerializer):
    name = serializers.CharField(validators=[single_line], max_length=100, required=False)
    parent = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False)  # type: ignore[assignment]


class StructuralWarningSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField()
    code = serializers.CharField()
    rule = serializers.CharField()
    message = serializers.CharField()
    citation = serializers.CharField()


class OrgUnitViewSet(viewsets.ModelViewSet):
    serializer_class = OrgUnitSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.org_unit_list()

    def get_serializer_class(self) -> Any:
        return {"create": OrgUnitCreateSerializer, "partial_update": OrgUnitUpdateSerializer}.get(
            self.action, OrgUnitSerializer
        )

    @extend_schema(request=OrgUnitCreateSerializer, responses={201: OrgUnitSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = OrgUnitCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        unit = services.org_unit_create(
            name=data["name"],
            kind=data["kind"],
            parent=data.get("parent"),
            branch_kind=data.get("branch_kind", ""),
            sort_order=data.get("sort_order", 0),
            acting_user=cast(User, request.user),
        )
        return Response(OrgUnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrgUnitUpdateSerializer, responses=OrgUnitSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        unit = self.get_object()  # 404 for an unknown id before the body is looked at
        body = OrgUnitUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        acting_user = cast(User, request.user)
        with transaction.atomic():  # rename and move together, or neither
            if "name" in data:
                unit = services.org_unit_rename(unit=unit, name=data["name"], acting_user=acting_user)
            if "parent" in data:
                unit = services.org_unit_move(unit=unit, new_parent=data["parent"], acting_user=acting_user)
        return Response(OrgUnitSerializer(unit).data)

    @extend_schema(responses=StructuralWarningSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def warnings(self, request: Request) -> Response:
        """The warnings of the units the caller manages: something to act on, not others' figures."""
        tree = org_tree_in_scope(shown=tree_scope_for(request.user))
        return Response(StructuralWarningSerializer([w for entry in tree for w in entry.warnings], many=True).data)
