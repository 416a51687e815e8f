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

from .models import DuesCollectionFigures

MONTHS_PUBLISHED = 12


def dues_figures_publish(*, institution: Any) -> int:
    """Run inside the institution's schema: the collection of every branch in the last
    ``MONTHS_PUBLISHED`` dues months, upserted into the public table (counts, a rate, the unit's
    path of ids and kind; nothing about a person). Returns the number of rows written."""
    months = list(Month.objects.order_by("-year", "-month").values_list("year", "month")[:MONTHS_PUBLISHED])
    units = dict(OrgUnit.objects.values_list("pk", "path"))
    kinds = dict(OrgUnit.objects.values_list("pk", "kind"))
    now = timezone.now()
    rows = []
    with figures_run():  # one statement per year, not per month
        found = [(year, month, months_of(year).get(month, [])) for year, month in months]
    for year, month, figures in found:
        for figure in figures:
            small = figure.members_billed < DuesCollectionFigures.SMALL_COUNT
            rows.append(
                DuesCollectionFigures(
                    institution_id=institution.pk,
                    unit_path=units.get(figure.unit_id, ""),
                    unit_kind=kinds.get(figure.unit_id, ""),
                    year=year,
                    month=month,
                    suppressed=small,
                    billed_count=None if small else figure.members_billed,
                    settled_count=None if small else figure.members_settled,
                    rate=None if small else figure.rate,
                    computed_at=now,
                )
            )
    with transaction.atomic():
        DuesCollectionFigures.objects.filter(institution_id=institution.pk).exclude(
            year__in=[y for y, _m in months]
        ).delete()
        DuesCollectionFigures.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["institution", "unit_path", "year", "month"],
            update_fields=["unit_kind", "suppressed", "billed_count", "settled_count", "rate", "computed_at"],
        )
    return len(rows)
