"""Institutions (tenants): routing by host, provisioning, migrations at scale."""

from __future__ import annotations

from .env import env_int, env_str

TENANT_MODEL = "tenants.Institution"
TENANT_DOMAIN_MODEL = "tenants.Domain"

# `<code>.<BASE_DOMAIN>` is an institution, the bare BASE_DOMAIN is the platform console.
BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost").lower()

# Provisioning clones this migrated, empty schema instead of replaying every migration.
TENANT_TEMPLATE_SCHEMA = "institution_template"

# Set the search path once per connection and institution, not before every cursor.
TENANT_LIMIT_SET_CALLS = True

# Seconds a process trusts its cached host -> institution lookup. Suspending an
# institution reaches every process within this many seconds.
TENANT_ROUTE_CACHE_SECONDS = env_int("TENANT_ROUTE_CACHE_SECONDS", 3)

# Parallel migrations across schemas (tenants/management/commands/migrate_schemas.py).
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("MIGRATION_PROCESSES", 2)
TENANT_MULTIPROCESSING_CHUNKS = env_int("MIGRATION_CHUNKS", 20)
