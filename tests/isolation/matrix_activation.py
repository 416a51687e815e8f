"""Matrix rows (``matrix.py``) of activation: the anonymous pages a person uses to activate an
account or reset a forgotten password. They show no institution data and hold the account being
activated in the visitor's own session: every actor gets the same page."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import PUBLIC, Row

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "activation:start"): Row(PUBLIC),
    # Steps 2 and 3 with no activation under way send the visitor back to step 1.
    (TENANT, "activation:verify"): Row(PUBLIC),
    (TENANT, "activation:password"): Row(PUBLIC),
    (TENANT, "activation:slip"): Row(PUBLIC),
    (TENANT, "activation:forgot"): Row(PUBLIC),
}
