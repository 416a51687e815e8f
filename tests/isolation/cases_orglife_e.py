"""Isolation cases for the meeting calendar routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from tests.isolation.case import TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "orglife_calendar:page"): Case("page", methods=("get", "post")),
    # Opened by its token alone; an unknown token serves nothing.
    (TENANT, "orglife_calendar:feed"): Case("anonymous", url_kwargs={"token": "x" * 32}),
}
