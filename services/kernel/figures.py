"""The shape of a de-identified figure a capability hands to oversight (issue 15's facts): one unit of
an institution's tree, one metric, a numerator over a denominator. No names, no member ids: the
figures job publishes these to the public schema, suppressing small denominators."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class UnitFigure:
    unit_id: int
    numerator: int
    denominator: int


# One refresh of the facts reads several metrics that share one computation (organizational
# life's compliance feeds eight of them). Inside ``figures_run()`` a source computes a shared part
# once (``shared``); outside one (a score reading a single metric) it always computes afresh.
_run: ContextVar[dict[Hashable, Any] | None] = ContextVar("figures_run", default=None)


@contextmanager
def figures_run() -> Iterator[None]:
    """One run: a run inside a run shares the outer one's results."""
    if _run.get() is not None:
        yield
        return
    token = _run.set({})
    try:
        yield
    finally:
        _run.reset(token)


def shared(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per ``key`` inside one ``figures_run()``."""
    cache = _run.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]  # type: ignore[no-any-return]
