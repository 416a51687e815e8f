"""Worker steps of surveys: the housekeeping sweep that writes anonymous ballots in batches and
closes surveys past their close date (services/surveys/ballots.py)."""

from __future__ import annotations

from tenants.housekeeping import sweeper

from .ballots import ballots_sweep


@sweeper("surveys.ballots", every_minutes=10)
def _sweep_ballots() -> dict[str, int]:
    """Every 10 minutes (housekeeping): batches of anonymous ballots, and closing what is due."""
    return ballots_sweep()
