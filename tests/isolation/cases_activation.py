"""Isolation cases for activation's own pages (merged into test_isolation's CASES): anonymous
pages that show no institution data; the pending account lives in the host's own session
(tests/activation/test_isolation_of_pending.py)."""

from __future__ import annotations

from tests.isolation.case import TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "activation:start"): Case("anonymous", methods=("get", "post")),
    (TENANT, "activation:verify"): Case("anonymous", methods=("get", "post")),
    (TENANT, "activation:password"): Case("anonymous", methods=("get", "post")),
    (TENANT, "activation:slip"): Case("anonymous", methods=("get", "post")),
    (TENANT, "activation:forgot"): Case("anonymous", methods=("get", "post")),
}
