"""Running PostgreSQL's client programs (pg_dump, pg_restore) against the app's database, for
template snapshots and institution archives: one place that turns DATABASES into libpq's
environment and a failure into a clear error."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings

from partycloud.embedded import pg_bin


def libpq_env() -> dict[str, str]:
    db: dict[str, Any] = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(db["HOST"]),
            "PGPORT": str(db["PORT"] or "5432"),
            "PGDATABASE": str(db["NAME"]),
            "PGUSER": str(db["USER"] or ""),
            "PGPASSWORD": str(db["PASSWORD"] or ""),
        }
    )
    sslmode = db.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def pg_run(program: str, *args: str) -> str:
    """Run ``program`` (pg_dump, pg_restore, …) with ``args``; return its output or raise."""
    result = subprocess.run([pg_bin(program), *args], env=libpq_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(program).name} failed: {result.stderr.strip()}")
    return result.stdout
