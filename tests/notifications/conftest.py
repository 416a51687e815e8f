from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from tests.notifications.providers import FakeProviders, provider_env, serve


@pytest.fixture
def providers(settings: Any) -> Iterator[FakeProviders]:
    """The fake providers on loopback, with the settings pointing at them (SMS through Aliyun
    unless a test says otherwise); deliveries run inline after each commit."""
    fake, server = serve()
    for name, value in provider_env(fake, "aliyun").items():
        setattr(settings, name, value)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    cache.clear()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
