"""Full-text search: PostgreSQL by default, Elasticsearch when ELASTICSEARCH_URL is set."""

from __future__ import annotations

from .env import env_str

ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
SEARCH_BACKEND = "elasticsearch" if ELASTICSEARCH_URL else "postgres"
