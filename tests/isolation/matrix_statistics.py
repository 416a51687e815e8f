"""Matrix rows (``matrix.py``) of 党内统计年报: an institution's tables (its whole membership's
counts) are its administrators'; the sum over the institutions is the console's (committee and
operators)."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, TENANT
from tests.isolation.matrix import CONSOLE_SIGNED_IN, INSTITUTION_ADMIN, Row

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "statistics:tables"): Row(INSTITUTION_ADMIN),
    # An export whose checks fail without the confirmation is refused on the page (400).
    (TENANT, "statistics:export"): Row(INSTITUTION_ADMIN),
    (TENANT, "statistics-tables"): Row(INSTITUTION_ADMIN),
    (TENANT, "statistics-tables-export"): Row(INSTITUTION_ADMIN),
    (CONSOLE, "console:statistics_tables"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "console:statistics_export"): Row(CONSOLE_SIGNED_IN),
}
