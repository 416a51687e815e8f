"""Per-institution housekeeping: the relays that find lost or orphaned work in the database.

A message that never reached a worker (the broker was down, the request-path publisher dropped
it) or whose worker died is found again from the database, not from the broker (whose
redelivery waits for a one-hour visibility timeout). Each capability registers its relay here
in its ``tasks.py``::

    @sweeper("documents.extraction", every_minutes=5)
    def _relay_extractions() -> int: ...

Beat queues ONE task a minute per active institution (``tenants.tasks.housekeep``) that runs the
sweepers due that minute inside the institution's schema: at thousands of institutions that is
one message per institution per minute for all of them together (the search outbox drain, which
needs every minute anyway, is one of them). A sweeper that fails is logged and the others run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweeper:
    name: str
    func: Callable[[], Any]
    every_minutes: int = 1
    order: int = 0  # lower first; slow ones (the search drain) last


_SWEEPERS: dict[str, Sweeper] = {}


def sweeper(name: str, *, every_minutes: int = 1, order: int = 0) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register ``func`` to run in each institution's schema every ``every_minutes`` minutes."""

    def register(func: Callable[[], Any]) -> Callable[[], Any]:
        _SWEEPERS[name] = Sweeper(name=name, func=func, every_minutes=every_minutes, order=order)
        return func

    return register


def sweepers() -> list[Sweeper]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # the capabilities register in their tasks.py
    return sorted(_SWEEPERS.values(), key=lambda s: (s.order, s.name))


def housekeeping_run(*, minute: int) -> dict[str, Any]:
    """Run the sweepers due at ``minute`` (of the hour) in the current schema."""
    results: dict[str, Any] = {}
    for due in sweepers():
        if minute % due.every_minutes:
            continue
        try:
            results[due.name] = due.func()
        except Exception:
            logger.exception("housekeeping: %s failed", due.name)
            results[due.name] = "error"
    return results
