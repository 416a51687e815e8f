"""Reads of the institution registry and the console's accounts for the console."""

from __future__ import annotations

from django.db.models import QuerySet

from services.accounts.models import User
from tenants.models import Institution

from . import archive


def institution_list() -> QuerySet[Institution]:
    """Every institution with its published figures (one query, no per-row lookups)."""
    return Institution.objects.select_related("figures").order_by("code")


def restorable_archives() -> list[tuple[str, str]]:
    """The archives in storage (key, code) whose institution is not on the platform: the ones
    the console offers to restore (an archive never overwrites an institution)."""
    registered = set(Institution.objects.values_list("code", flat=True))
    return [(key, code) for key, code in archive.archive_list() if code not in registered]


def platform_user_list() -> QuerySet[User]:
    """Every console account (the public schema's users), active ones first."""
    return User.objects.order_by("-is_active", "username")
