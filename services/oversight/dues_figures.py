"""The committee's dues figure: each branch's collection rate per month, de-identified into the
public schema (``DuesCollectionFigures``) by the institution's figures job."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from services.dues.figures import months_of
from services.dues.models import Month
from services.kernel.figures import figures_run
from services.organization.models import OrgUnit

from .copying import copy_upsert
from .models import DuesCollectionFigures

MONTHS_PUBLISHED = 12
# The columns of the rows written below, in order; KEYS is the table's unique constraint.
COLUMNS = (
    "institution_id",
    "unit_path",
    "unit_kind",
    "year",
    "month",
    "suppressed",
    "billed_count",
    "settled_count",
    "rate",
    "computed_at",
)
KEYS = ("institution_id", "unit_path", "year", "month")


def dues_figures_publish(*, institution: Any) -> int:
    """Run inside the institution's schema: the collection of every branch in the last
    ``MONTHS_PUBLISHED`` dues months, upserted into the public table (counts, a rate, the unit's
    path of ids and kind; nothing about a person). Returns the number of rows written."""
    months = list(Month.objects.order_by("-year", "-month").values_list("year", "month")[:MONTHS_PUBLISHED])
    units = dict(OrgUnit.objects.values_list("pk", "path"))
    kinds = dict(OrgUnit.objects.values_list("pk", "kind"))
    now = timezone.now()
    rows: list[tuple[Any, ...]] = []
    with figures_run():  # one statement per year, not per month
        found = [(year, month, months_of(year).get(month, [])) for year, month in months]
    for year, month, figures in found:
        for figure in figures:
            small = figure.members_billed < DuesCollectionFigures.SMALL_COUNT
            rows.append(
                (
                    institution.pk,
                    units.get(figure.unit_id, ""),
                    kinds.get(figure.unit_id, ""),
                    year,
                    month,
                    small,
                    None if small else figure.members_billed,
                    None if small else figure.members_settled,
                    None if small else figure.rate,
                    now,
                )
            )
    with transaction.atomic():
        DuesCollectionFigures.objects.filter(institution_id=institution.pk).exclude(
            year__in=[y for y, _m in months]
        ).delete()
        # Plain tuples copied in (copying.py): thousands of rows (a month per branch).
        copy_upsert(DuesCollectionFigures, columns=COLUMNS, keys=KEYS, rows=rows)
    return len(rows)
