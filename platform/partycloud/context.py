"""Template context shared by every page: which site (console or institution) this is, and the
navigation the signed-in user is entitled to (computed only when a template uses it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _nav(request: HttpRequest) -> dict[str, bool]:
    from services.organization.scope import scope_for

    scope = scope_for(request.user)
    return {
        "roster": scope.everything or bool(scope.seen_paths),
        "manage": scope.is_manager,
        "audit": scope.everything,
    }


def _unread_reminders(request: HttpRequest) -> int:
    from services.reminders.selectors import unread_count

    return unread_count(user=request.user)


def site(request: HttpRequest) -> dict[str, Any]:
    institution = getattr(request, "institution", None)
    user = getattr(request, "user", None)
    signed_in = institution is not None and user is not None and user.is_authenticated
    return {
        "institution": institution,
        "is_console": institution is None,
        "languages": settings.LANGUAGES,
        "nav": SimpleLazyObject(lambda: _nav(request)) if signed_in else {},
        "reminders_unread": SimpleLazyObject(lambda: _unread_reminders(request)) if signed_in else 0,
    }
