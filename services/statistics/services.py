"""Publishing an institution's annual tables to the committee (counts only)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .filling import tables_fill
from .models import PublishedTables
from .template import TemplateError, edition_for


def recent_tables_publish(*, institution: Any, year: int | None = None) -> int:
    """``year``'s tables, or last year's and this year's (last year's are reported in the first
    months of the next); a year no edition covers has none. Returns the years published."""
    today = timezone.localdate().year
    published = 0
    for each in [year] if year is not None else [today - 1, today]:
        try:
            tables_publish(institution=institution, year=each)
        except TemplateError:
            continue
        published += 1
    return published


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
