"""Writes to the organization tree."""

from __future__ import annotations

from django.db import transaction

from .models import OrgUnit


@transaction.atomic
def org_unit_create(
    *, name: str, kind: str, parent: OrgUnit | None = None, branch_kind: str = "", sort_order: int = 0
) -> OrgUnit:
    unit = OrgUnit.objects.create(
        name=name, kind=kind, parent=parent, branch_kind=branch_kind, sort_order=sort_order, path=""
    )
    unit.path = f"{parent.path if parent else ''}{unit.pk}."
    unit.save(update_fields=["path"])
    return unit
