"""Matrix rows (``matrix.py``) of the meeting calendar: each user's own private address."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import PUBLIC, SIGNED_IN, Row, everyone

MATRIX: dict[tuple[str, str], Row] = {
    # Everyone signed in manages their own address; nobody reaches another's.
    (TENANT, "orglife_calendar:page"): Row(SIGNED_IN),
    # The feed is opened by its token, not by a session: an unknown token is 404 to every cell
    # (the feed itself is tested in tests/orglife/test_e_calendar.py).
    (TENANT, "orglife_calendar:feed"): Row(PUBLIC, kwargs={"token": "x" * 32}, override=everyone("404")),
}
