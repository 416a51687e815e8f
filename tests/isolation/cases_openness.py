"""Isolation cases for the 党务公开 routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from datetime import date

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _item(owner: User, marker: str) -> models.Model:
    from services.openness.models import BoardItem
    from tests.factories import OrgUnitFactory

    unit = OrgUnitFactory(name=f"{marker}-unit")
    return BoardItem.objects.create(kind="notice", unit=unit, title=marker, published_on=date(2026, 1, 1))


def _minutes_meeting(owner: User, marker: str) -> models.Model:
    from tests.isolation.cases_orglife_d import _meeting

    return _meeting(owner, marker)


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "openness:board"): Case("collection", factory=_item),
    (TENANT, "openness:item"): Case("object", factory=_item),
    (TENANT, "openness:withdraw"): Case("object", factory=_item, methods=("get", "post")),
    (TENANT, "openness:publish"): Case("page", methods=("get", "post")),
    (TENANT, "openness:archive"): Case("collection", factory=_item),
    (TENANT, "openness-item-list"): Case("collection", factory=_item, methods=("get", "post")),
    (TENANT, "openness-item-detail"): Case("object", factory=_item),
    (TENANT, "openness-item-withdraw"): Case("object", factory=_item, methods=("post",)),
    (TENANT, "openness-archive"): Case("collection", factory=_item),
    # The hooks in the sources: a finalized meeting's summary published from its minutes page
    (TENANT, "orglife_minutes:publish"): Case("object", factory=_minutes_meeting, methods=("post",)),
}
