"""Read receipts' figures for oversight (services/kernel/figures.py): per branch, how many of the
members expected to sign the committee's notices have signed them (``selectors.members_signing``,
the one definition of who is expected, which the receipt roll and the old sign-off counts read).
Over all the committee's notices of a year that ask for signing (``notices_signed``), and per
notice (``signed_by_notice``). No names, no member ids."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django_tenants.utils import get_public_schema_name, schema_context

from services.kernel.figures import UnitFigure, shared

from .models import Document, Receipt
from .selectors import members_signing


def committee_notices(*, year: int) -> list[int]:
    """The ids of the committee's notices of ``year`` that ask for signing (public schema)."""
    with schema_context(get_public_schema_name()):
        return list(
            Document.objects.filter(kind=Document.Kind.NOTICE, requires_signoff=True, created_at__year=year)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _counts(year: int) -> tuple[list[int], dict[int, int], dict[int, dict[int, int]]]:
    """(notices, branch -> members expected, notice -> branch -> members who signed): three queries."""
    notices = committee_notices(year=year)
    expected = members_signing()
    per_branch = dict(expected.order_by().values_list("branch_id").annotate(n=Count("pk")))
    signed: dict[int, dict[int, int]] = defaultdict(dict)
    if notices:
        rows = (
            Receipt.objects.filter(public_document_id__in=notices, member__in=expected)
            .order_by()
            .values_list("public_document_id", "member__branch_id")
            .annotate(n=Count("pk"))
        )
        for notice, branch, n in rows:
            signed[notice][branch] = n
    return notices, per_branch, signed


def signed_by_notice(*, year: int) -> dict[int, list[UnitFigure]]:
    notices, expected, signed = shared(("documents.signoff", year), lambda: _counts(year))
    return {
        notice: [
            UnitFigure(unit_id=branch, numerator=signed[notice].get(branch, 0), denominator=count)
            for branch, count in sorted(expected.items())
        ]
        for notice in notices
    }


def notices_signed_figures(*, year: int) -> list[UnitFigure]:
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for figures in signed_by_notice(year=year).values():
        for figure in figures:
            sums[figure.unit_id][0] += figure.numerator
            sums[figure.unit_id][1] += figure.denominator
    return [UnitFigure(unit_id=u, numerator=n, denominator=d) for u, (n, d) in sorted(sums.items())]
