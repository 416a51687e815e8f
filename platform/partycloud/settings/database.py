"""Database: PostgreSQL through django-tenants' schema-aware backend.

With no DATABASE_URL an embedded PostgreSQL (the pgserver wheel) is started with its data
under .data/pg. DATABASE_POOL_MODE says how connections reach the server:
``session`` (direct, or PgBouncer in session mode) or ``transaction`` (PgBouncer in
transaction mode: the search path is then set with SET LOCAL inside every transaction;
see tenants/db/base.py and deploy/pgbouncer.md).
"""

from __future__ import annotations

from typing import cast
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from .env import DATA_DIR, env_bool, env_int, env_str


def parse_database_url(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be a postgresql:// URL, got scheme {parsed.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    host = unquote(parsed.hostname or "") or query.pop("host", "")
    return {
        "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or query.pop("port", "")),
        "OPTIONS": query,
    }


def _database_url() -> str:
    url = env_str("DATABASE_URL")
    if url:
        return url
    try:
        from partycloud.embedded import ensure_postgres

        return ensure_postgres(DATA_DIR / "pg", database="partycloud")
    except ImportError as exc:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set and the embedded PostgreSQL (the pgserver wheel) is not installed"
        ) from exc


def _embedded_bin_dir() -> str:
    try:
        from partycloud.embedded import postgres_bin_dir
    except ImportError:
        return ""
    return postgres_bin_dir()


DATABASE_POOL_MODE = env_str("DATABASE_POOL_MODE", "session")
if DATABASE_POOL_MODE not in {"session", "transaction"}:
    raise ImproperlyConfigured("DATABASE_POOL_MODE must be 'session' or 'transaction'")

_DATABASE = parse_database_url(_database_url())
# A server that does not answer fails the request within seconds (a 503, partycloud/outages.py)
# instead of after the operating system's TCP timeout. A connect_timeout in DATABASE_URL wins.
_OPTIONS = {"connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 5), **cast(dict, _DATABASE["OPTIONS"])}

DATABASES = {
    "default": {
        "ENGINE": "tenants.db",
        **_DATABASE,
        "OPTIONS": _OPTIONS,
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        # Server-side cursors do not survive transaction pooling (Django docs, "Transaction pooling").
        "DISABLE_SERVER_SIDE_CURSORS": DATABASE_POOL_MODE == "transaction",
        "TEST": {"NAME": env_str("DATABASE_TEST_NAME", "test_partycloud")},
    }
}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

# DATABASE_URL is the coordinator of a Citus cluster: institution schemas are distributed over
# its workers (schema-based sharding; tenants/citus.py, deploy/citus/README.md).
DATABASE_CITUS = env_bool("PARTYCLOUD_CITUS", False)
# On Citus, how many spare institution schemas to keep built ahead of provisioning (0: none;
# tenants/spares.py). Each is one institution's empty schema on a worker.
CITUS_SPARE_SCHEMAS = env_int("PARTYCLOUD_CITUS_SPARES", 0)

# Where pg_dump / pg_restore are (tenants/pgtools.py: template snapshots, institution archives):
# PG_BIN_DIR, else the embedded server's own binaries (their version matches it), else "" = PATH.
POSTGRES_BIN_DIR = env_str("PG_BIN_DIR") or _embedded_bin_dir()
