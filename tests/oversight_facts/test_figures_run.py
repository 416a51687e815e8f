"""The run-scoped memo of services/kernel/figures.py: inside one run a shared part is computed once
(a run inside a run shares it); outside a run, every call computes afresh (a score reading one
metric never sees a stale figure)."""

from __future__ import annotations

from services.kernel.figures import figures_run, shared


def test_a_shared_part_is_computed_once_per_run_and_afresh_outside() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert shared("k", compute) == 1
    assert shared("k", compute) == 2  # no run: afresh
    with figures_run():
        assert shared("k", compute) == 3
        with figures_run():
            assert shared("k", compute) == 3  # the outer run's
        assert shared("other", compute) == 4
    with figures_run():
        assert shared("k", compute) == 5  # a new run
