"""Publishing an institution's annual tables to the committee (counts only)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .filling import tables_fill
from .models import PublishedTables
from .template import edition_for


def tables_publish(*, institution: Any, year: int) -> PublishedTables:
    """Fill ``year``'s tables in this institution's schema (run inside it) and upsert the counts
    into the public schema, with whether its checks passed. Only numbers leave the schema: the
    cells are counts keyed by the template's table, row and column ids."""
    edition = edition_for(year)
    filled = tables_fill(edition=edition, year=year)
    published, _created = PublishedTables.objects.update_or_create(
        institution_id=institution.pk,
        year=year,
        defaults={
            "edition": edition.id,
            "cells": filled.cells,
            "checks_passed": filled.passed,
            "computed_at": timezone.now(),
        },
    )
    return published
