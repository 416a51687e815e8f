"""Reads of the organization tree."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import OrgUnit


def org_unit_list() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.select_related("parent").order_by("path")


def org_unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(path__startswith=unit.path)
