"""Matrix rows (``matrix.py``) of notifications: each user's own channel settings."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import SIGNED_IN, Row

MATRIX: dict[tuple[str, str], Row] = {
    # Everyone signed in chooses their own channels; nobody reaches another's.
    (TENANT, "notifications:preferences"): Row(SIGNED_IN),
    (TENANT, "notification-settings"): Row(SIGNED_IN),
}
