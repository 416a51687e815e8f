"""Isolation cases for the notification routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from tests.isolation.case import TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    # The signed-in user's own channel settings.
    (TENANT, "notifications:preferences"): Case("page", methods=("get", "post")),
    (TENANT, "notification-settings"): Case("self", methods=("get", "put")),
}
