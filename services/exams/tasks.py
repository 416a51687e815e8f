"""The exams' housekeeping (tenants/housekeeping.py): every minute, in each institution, draw the
papers of the exams about to open, close the exams whose window is over, and submit the attempts
whose time is up (their answers marked as they stood at the deadline)."""

from __future__ import annotations

from tenants.housekeeping import sweeper

from .papers import exams_to_open
from .taking import attempts_timed_out


@sweeper("exams.open_and_close")
def open_and_close() -> dict[str, int]:
    return {"papers": exams_to_open(), "timed_out": attempts_timed_out()}
