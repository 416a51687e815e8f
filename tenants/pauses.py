"""Where the worker tests kill a worker mid-task: a task pauses at a named point when the test
that started the worker asks for it through an environment variable ("<marker file>:<seconds>").
The marker file receives the worker's pid, so the test knows whom to kill and when. Unset in
production: one environment lookup."""

from __future__ import annotations

import os
import time


def pause_if_asked(env: str) -> None:
    spec = os.environ.get(env)
    if spec:
        marker, seconds = spec.rsplit(":", 1)
        pause(marker, float(seconds))


def pause(marker: str, seconds: float) -> None:
    with open(marker, "w") as written:
        written.write(str(os.getpid()))
    time.sleep(seconds)
