"""Running PostgreSQL's client programs (pg_dump, pg_restore) against the app's database, for
template snapshots and institution archives: one place that turns DATABASES into libpq's
environment and a failure into a clear error. The programs are looked up in POSTGRES_BIN_DIR
(settings/database.py), else on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings


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


def pg_bin(name: str) -> str:
    """Path of a PostgreSQL client program: in POSTGRES_BIN_DIR when it is set, else on PATH."""
    directory = settings.POSTGRES_BIN_DIR
    if directory:
        return str(Path(directory) / name)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: set PG_BIN_DIR or install the PostgreSQL client")
    return found


def pg_run(program: str, *args: str) -> str:
    """Run ``program`` (pg_dump, pg_restore, …) with ``args``; return its output or raise."""
    result = subprocess.run([pg_bin(program), *args], env=libpq_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(program).name} failed: {result.stderr.strip()}")
    return result.stdout
