"""How a route is checked by the isolation suite, and where each capability's cases live.

A capability adds its routes' cases in ``tests/isolation/cases_<capability>.py`` as a module-level
``CASES`` dict keyed by ``(TENANT or CONSOLE, route name)``; ``test_isolation`` merges them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models

from services.accounts.models import User

TENANT = settings.ROOT_URLCONF
CONSOLE = settings.PUBLIC_SCHEMA_URLCONF

Factory = Callable[[User, str], models.Model]


@dataclass(frozen=True)
class Case:
    """How a route is checked. kind:
    - "collection": a list of objects made by ``factory``; A's list never shows B's;
    - "object": one object by id (``lookup``); B's id on A's host is 404 and changes nothing;
    - "self": answers about the caller only;
    - "anonymous": serves no institution data (sign-in, health, schema), open to anyone;
    - "page": a portal page that needs a signed-in user of this host;
    - "console": console-only (platform operators); no institution credential opens it.
    """

    kind: str
    factory: Factory | None = None
    lookup: str = "pk"
    url_kwargs: dict[str, str] = field(default_factory=dict)
    methods: tuple[str, ...] = ("get",)
    exists: Callable[[models.Model], bool] = field(default=lambda obj: type(obj).objects.filter(pk=obj.pk).exists())


def capability_cases() -> dict[tuple[str, str], Case]:
    """Every ``CASES`` dict of the ``cases_*`` modules of this package; a route claimed twice fails."""
    import tests.isolation as package

    merged: dict[tuple[str, str], Case] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("cases_"):
            continue
        module = importlib.import_module(f"tests.isolation.{info.name}")
        for key, case in module.CASES.items():
            if key in merged:
                raise AssertionError(f"{key} has an isolation case in two modules")
            merged[key] = case
    return merged
