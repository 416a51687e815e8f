"""Operations: how /healthz waits for dependencies, and what a database outage answers.
See docs/operations.md."""

from __future__ import annotations

from .env import env_int

# /healthz waits at most this long for each dependency (checks run concurrently, so this is also
# the longest the answer takes); a check still running then is reported down as timed out.
HEALTH_CHECK_TIMEOUT_SECONDS = env_int("HEALTH_CHECK_TIMEOUT_SECONDS", 2)

# With the database unreachable, pages and the API answer 503 with this Retry-After.
DATABASE_RETRY_AFTER_SECONDS = env_int("DATABASE_RETRY_AFTER_SECONDS", 30)
