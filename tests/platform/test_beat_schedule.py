"""Convention: every periodic job names a registered task, and what beat hands to the per-institution
dispatcher is an institution task (its first argument is the schema name), while the rest are not."""

from __future__ import annotations

import pytest

from partycloud.celery import app


@pytest.fixture(scope="module")
def tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return dict(app.tasks)


@pytest.mark.parametrize("entry", sorted(app.conf.beat_schedule), ids=str)
def test_every_beat_entry_names_a_registered_task_of_the_right_kind(entry: str, tasks: dict[str, object]) -> None:
    job = app.conf.beat_schedule[entry]
    assert job["task"] in tasks, f"{entry}: no task named {job['task']}"
    if job["task"] == "tenants.tasks.dispatch":
        (dispatched, *_rest) = job["args"]
        assert dispatched in tasks, f"{entry}: dispatches unknown task {dispatched}"
        assert getattr(tasks[dispatched].run, "per_institution", False), (  # type: ignore[attr-defined]
            f"{entry}: {dispatched} is not an @institution_task, yet dispatch() passes it a schema name"
        )
    else:
        assert not getattr(tasks[job["task"]].run, "per_institution", False), (  # type: ignore[attr-defined]
            f"{entry}: {job['task']} needs a schema name; schedule it through tenants.tasks.dispatch"
        )
