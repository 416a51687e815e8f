"""Reads of the institution registry for the console."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import Institution


def institution_list() -> QuerySet[Institution]:
    """Every institution with its published figures (one query, no per-row lookups)."""
    return Institution.objects.select_related("figures").order_by("code")
