"""Full-text search: PostgreSQL by default, Elasticsearch when ELASTICSEARCH_URL is set."""

from __future__ import annotations

from .env import env_int, env_str

# One node's URL, or every node of a cluster comma-separated ("http://es1:9200,http://es2:9200"):
# the client spreads requests over them and retries another node on a connection error.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
# "postgres" or "elasticsearch"; the default follows ELASTICSEARCH_URL.
SEARCH_BACKEND = env_str("SEARCH_BACKEND") or ("elasticsearch" if ELASTICSEARCH_URL else "postgres")
# Elasticsearch index names: "<prefix>-<schema>" (one index per institution, one for public).
SEARCH_ES_INDEX_PREFIX = env_str("SEARCH_ES_INDEX_PREFIX", "partycloud")
# Copies of each index beyond the primary: 0 on one node (a replica could never be placed and the
# index would stay yellow), 1 on a cluster of three (any one node may die without losing search).
# Read when an index is created (first write, or `reindex --rebuild`).
SEARCH_ES_REPLICAS = env_int("SEARCH_ES_REPLICAS", 0)
# Outbox rows drained per batch, and the longest wait between two attempts at a failing row.
SEARCH_OUTBOX_BATCH = env_int("SEARCH_OUTBOX_BATCH", 200)
SEARCH_OUTBOX_MAX_BACKOFF_SECONDS = env_int("SEARCH_OUTBOX_MAX_BACKOFF_SECONDS", 3600)
