"""Matrix rows (``matrix.py``) of the 组织生活 board, a branch's plan and the compliance API."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import IN_SCOPE, MANAGERS_IN_SCOPE, SCOPE_LIST, Row

MATRIX: dict[tuple[str, str], Row] = {
    # The board and the API: the branches the actor's scope sees; plain members are refused.
    (TENANT, "orglife_board:board"): Row(SCOPE_LIST, "org_unit"),
    (TENANT, "orglife-compliance"): Row(SCOPE_LIST, "org_unit"),
    # One branch's periods: through the scope of the branch.
    (TENANT, "orglife_board:branch"): Row(IN_SCOPE, "org_unit"),
    # The plan and the theme day: the branch's managers (403 to those who manage nothing).
    (TENANT, "orglife_board:plan"): Row(MANAGERS_IN_SCOPE, "org_unit"),
    (TENANT, "orglife_board:settings"): Row(MANAGERS_IN_SCOPE, "org_unit", methods=("post",)),
}
