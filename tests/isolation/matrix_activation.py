"""Matrix rows (``matrix.py``) of activation: the anonymous pages a person uses to activate an
account or reset a forgotten password. They show no institution data and hold the account being
activated in the visitor's own session: every actor gets the same page."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import MANAGE_UNIT, MANAGERS, OWN, PUBLIC, Row

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "activation:start"): Row(PUBLIC),
    # Steps 2 and 3 with no activation under way send the visitor back to step 1.
    (TENANT, "activation:verify"): Row(PUBLIC),
    (TENANT, "activation:password"): Row(PUBLIC),
    (TENANT, "activation:slip"): Row(PUBLIC),
    (TENANT, "activation:forgot"): Row(PUBLIC),
}

# The managers' side: 账号管理 and activation slips. Every manager has the page; each sees the
# branches of their scope; a run of slips (its PDF holds one-time codes) is its issuer's alone.
MATRIX.update(
    {
        (TENANT, "activation:manage"): Row(MANAGERS, "org_unit"),
        # A unit is no secret (the tree is readable): outside the scope is a refusal, not a 404.
        (TENANT, "activation:manage_unit"): Row(MANAGE_UNIT, "org_unit"),
        (TENANT, "activation:slips_new"): Row(MANAGERS),
        (TENANT, "activation:slip_job"): Row(OWN, "slip_job"),
        (TENANT, "activation:slip_job_status"): Row(OWN, "slip_job"),
        (TENANT, "activation:slip_download"): Row(OWN, "slip_job"),
        (TENANT, "activation-sheets"): Row(MANAGERS, body_first=True),
        (TENANT, "activation-sheet-job"): Row(OWN, "slip_job"),
        (TENANT, "activation-sheet-download"): Row(OWN, "slip_job"),
        (TENANT, "activation-status"): Row(MANAGERS, "org_unit"),
    }
)
