"""Matrix rows (``matrix.py``) of 党务公开: an item of branch X is read by X's people and by those
whose scope covers X; publishing, withdrawing and the archive are for managers (withdrawing only
inside their scope)."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import (
    BRANCH_READ,
    IN_SCOPE,
    MANAGERS,
    MANAGERS_IN_SCOPE,
    SEES_BRANCH,
    SIGNED_IN,
    Row,
)

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "openness:board"): Row(SIGNED_IN, "openness_item", sees=SEES_BRANCH),
    (TENANT, "openness:item"): Row(BRANCH_READ, "openness_item"),
    (TENANT, "openness:withdraw"): Row(MANAGERS_IN_SCOPE, "openness_item"),
    (TENANT, "openness:publish"): Row(MANAGERS),
    (TENANT, "openness:archive"): Row(MANAGERS, "openness_item"),
    (TENANT, "openness-item-list"): Row(SIGNED_IN, "openness_item", sees=SEES_BRANCH, writes=MANAGERS),
    (TENANT, "openness-item-detail"): Row(BRANCH_READ, "openness_item"),
    (TENANT, "openness-item-withdraw"): Row(MANAGERS_IN_SCOPE, "openness_item"),
    (TENANT, "openness-archive"): Row(MANAGERS, "openness_item"),
    # 公开会议概要 on the minutes page: as the minutes' other buttons (a refusal is a message)
    (TENANT, "orglife_minutes:publish"): Row(IN_SCOPE, "minutes_meeting"),
}
