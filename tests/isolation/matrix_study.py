"""Matrix rows (``matrix.py``) of 学习: everyone signed in studies and reads the institution's
materials (only a plan's count); a training report is read by its member and the managers of the
member's branch, decided by those managers; the per-branch tables are for managers (their
branches); courses and plans are kept by the institution's administrators."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import (
    INSTITUTION_ADMIN,
    MANAGERS,
    MANAGERS_IN_SCOPE,
    RECORD_READ,
    SCOPED_LIST,
    SIGNED_IN,
    Row,
)

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "study:mine"): Row(SIGNED_IN),
    (TENANT, "study:material"): Row(SIGNED_IN, "study_material"),
    (TENANT, "study:material_file"): Row(SIGNED_IN, "study_material"),
    # Anyone signed in may open the form; an empty report is refused on the form (200).
    (TENANT, "study:training"): Row(SIGNED_IN),
    (TENANT, "study:certificate"): Row(RECORD_READ, "study_training"),
    (TENANT, "study:decide"): Row(MANAGERS_IN_SCOPE, "study_training"),
    (TENANT, "study:review"): Row(MANAGERS, "study_training"),
    (TENANT, "study:branches"): Row(MANAGERS),
    (TENANT, "study:branch"): Row(MANAGERS_IN_SCOPE, "org_unit"),
    (TENANT, "study:manage"): Row(INSTITUTION_ADMIN),
    (TENANT, "study:material_add"): Row(INSTITUTION_ADMIN, "study_course"),
    (TENANT, "study:plan_save"): Row(INSTITUTION_ADMIN),
    # The page's script: an empty body is refused (400) for everyone signed in.
    (TENANT, "study-open"): Row(SIGNED_IN),
    (TENANT, "study-heartbeat"): Row(SIGNED_IN),
    (TENANT, "study-mine"): Row(SIGNED_IN),
    # A member lists their own reports (none of the world's), managers their branches'.
    (TENANT, "study-trainings"): Row(SCOPED_LIST, "study_training", writes=SIGNED_IN),
    (TENANT, "study-training-decide"): Row(MANAGERS_IN_SCOPE, "study_training"),
    (TENANT, "study-branches"): Row(MANAGERS),
}
