"""Template context shared by every page: which site (console or institution) this is, and the
navigation the signed-in user is entitled to (computed only when a template uses it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import navigation_for


def site(request: HttpRequest) -> dict[str, Any]:
    institution = getattr(request, "institution", None)
    user = getattr(request, "user", None)
    signed_in = institution is not None and user is not None and user.is_authenticated
    return {
        "institution": institution,
        "is_console": institution is None,
        "languages": settings.LANGUAGES,
        "navigation": SimpleLazyObject(lambda: navigation_for(request)) if signed_in else None,
    }
