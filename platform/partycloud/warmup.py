"""A web worker's one-time costs, paid before it takes requests (deploy/gunicorn.conf.py,
``post_worker_init``).

Django does much of its setting up on a process's first requests: the URLconfs import every view
module, the template engines import their tag libraries and compile each template the first
time it is rendered (then keep it: the cached loader), the translation catalogues are read.
On a new worker that is a few hundred milliseconds of CPU spread over its first pages, paid by
the people who happen to arrive first, while the worker holds their requests and those queued
behind them; and workers are replaced every GUNICORN_MAX_REQUESTS requests. Paid here, it is
paid once per worker before the first request.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import django.forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]


def _template_names(directory: Path) -> list[str]:
    return sorted(str(path.relative_to(directory)) for path in directory.rglob("*.html"))


def _own_template_dirs() -> list[Path]:
    """The template directories of this project's apps (not the installed packages')."""
    root = ROOT
    engine = engines["django"].engine  # type: ignore[attr-defined]
    dirs = [Path(d).resolve() for d in [*engine.dirs, *get_app_template_dirs("templates")]]
    return [d for d in dirs if d.is_relative_to(root) and ".venv" not in d.parts and d.is_dir()]


def _compile(get_template: object, names: list[str]) -> int:
    compiled = 0
    for name in names:
        try:
            get_template(name)  # type: ignore[operator]
            compiled += 1
        except (TemplateDoesNotExist, TemplateSyntaxError):  # a fragment that is not a template alone
            continue
    return compiled


def warm_up() -> None:
    """Import the views, read the catalogues, compile this project's templates and the form
    widgets' (see the module docstring). Never fails: a worker that could not warm up still
    serves, as it did before."""
    started = time.process_time()
    try:
        for urlconf in {settings.ROOT_URLCONF, getattr(settings, "PUBLIC_SCHEMA_URLCONF", settings.ROOT_URLCONF)}:
            get_resolver(urlconf).url_patterns  # noqa: B018 — imports the URLconf and its views
            get_resolver(urlconf)._populate()
        for code, _name in settings.LANGUAGES:
            with translation.override(code):  # activating a language reads its catalogues
                pass
        engine = engines["django"]
        compiled = sum(_compile(engine.get_template, _template_names(d)) for d in _own_template_dirs())
        renderer = get_default_renderer()
        widgets = Path(django.forms.__file__).parent / "templates"
        compiled += _compile(renderer.get_template, _template_names(widgets))
    except Exception:
        logger.warning("worker warm-up stopped early", exc_info=True)
        return
    logger.info("worker warmed up: %d templates, %.0f ms CPU", compiled, (time.process_time() - started) * 1000)
