"""Spare schemas are a Citus measure (tenants/spares.py): on one server nothing is built or
taken, whatever the setting says, and provisioning replays the snapshot as always."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tenants import citus, spares
from tenants.tasks import refill_spare_schemas

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(citus.enabled(), reason="one server only; tests/citus/test_spares.py covers the cluster"),
]


@override_settings(CITUS_SPARE_SCHEMAS=3)
def test_on_one_server_spares_are_neither_built_nor_taken() -> None:
    assert spares.enabled() is False
    assert refill_spare_schemas() == {"built": 0, "dropped": 0}
    assert spares.spares_refill() == {"built": 0, "dropped": 0}
    assert spares.spare_take("inst_whatever") is False
    assert spares.spare_schemas() == []
