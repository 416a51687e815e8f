"""Template context shared by every page: which site (console or institution) this is."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    institution = getattr(request, "institution", None)
    return {
        "institution": institution,
        "is_console": institution is None,
        "languages": settings.LANGUAGES,
    }
