"""A web worker's warm-up (partycloud/warmup.py, gunicorn's post_worker_init): the project's
templates and the form widgets' are compiled before the first request, and it never stops a
worker from serving."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.forms.renderers import get_default_renderer
from django.template import engines

from partycloud import warmup


def _cache(engine: Any) -> Any:
    [cached] = [loader for loader in engine.template_loaders if hasattr(loader, "get_template_cache")]
    return cached


def _cached(engine: Any) -> set[str]:
    return set(_cache(engine).get_template_cache)


def test_the_templates_a_first_page_needs_are_compiled_before_it(caplog: pytest.LogCaptureFixture) -> None:
    engine = engines["django"].engine  # type: ignore[attr-defined]
    renderer: Any = get_default_renderer()
    for cold in (engine, renderer.engine.engine):  # as in a new worker
        _cache(cold).reset()
    with caplog.at_level(logging.INFO, logger="partycloud.warmup"):
        warmup.warm_up()
    assert "worker warmed up" in caplog.text
    assert {"activation/form.html", "accounts/login.html"} <= _cached(engine)
    assert "django/forms/widgets/text.html" in _cached(renderer.engine.engine)


def test_a_warm_up_that_fails_leaves_the_worker_serving(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> list[Any]:
        raise RuntimeError("no templates today")

    monkeypatch.setattr(warmup, "_own_template_dirs", broken)
    with caplog.at_level(logging.WARNING, logger="partycloud.warmup"):
        warmup.warm_up()  # does not raise
    assert "warm-up stopped early" in caplog.text
