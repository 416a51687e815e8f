"""Matrix rows (``matrix.py``) of the meeting templates: everyone reads them; the institution's
administrators add and switch off the institution's own steps."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import INSTITUTION_ADMIN, SIGNED_IN, Row

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "orglife_templates:page"): Row(SIGNED_IN, "meeting_local_step", writes=INSTITUTION_ADMIN),
    (TENANT, "orglife_templates:local_step_toggle"): Row(INSTITUTION_ADMIN, "meeting_local_step"),
}
