"""Console API of indicator systems (committee users and operators): the list, one system with
its tree, and publishing a draft. Drafts are edited on the console's pages or by .xlsx import;
refusals (the checks before publishing, a published version) go through the exception handler."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from services.standards import selectors, services
from services.standards.models import IndicatorNode, IndicatorSystem


class IsPublisher(permissions.BasePermission):
    message = gettext_lazy("只有市教育工委或平台运维人员可以管理指标体系。")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and selectors.may_publish(request.user))


class NodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorNode
        fields = [
            "id", "parent", "kind", "position", "title", "description", "points", "rule", "deduction", "metric",
            "threshold", "veto",
        ]  # fmt: skip
        read_only_fields = fields


class SystemSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorSystem
        fields = [
            "id", "name", "institution_kind", "year", "version", "status", "total_points", "grades", "veto_grade",
            "veto_cap", "standardized_min", "closes_on", "published_at",
        ]  # fmt: skip
        read_only_fields = fields


class SystemDetailSerializer(SystemSerializer):
    nodes = NodeSerializer(many=True, read_only=True)

    class Meta(SystemSerializer.Meta):
        fields = [*SystemSerializer.Meta.fields, "nodes"]
        read_only_fields = fields


class IndicatorSystemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsPublisher]
    queryset = IndicatorSystem.objects.all()
    serializer_class = SystemSerializer
    pagination_class = None

    def get_serializer_class(self) -> Any:
        return SystemDetailSerializer if self.action == "retrieve" else SystemSerializer

    @extend_schema(request=None, responses=SystemSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Publish a draft after its checks; every problem is answered (400) and nothing published."""
        made = services.system_publish(system=self.get_object(), acting_user=request.user)
        return Response(SystemSerializer(made).data)
