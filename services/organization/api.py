"""Organization tree API (read-only here; editing arrives with the org-tree editor)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from . import selectors
from .models import OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "branch_kind", "parent", "path"]
        read_only_fields = fields


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrgUnitSerializer

    def get_queryset(self) -> Any:
        return selectors.org_unit_list()
