"""Reads of the published figures for the committee console (public schema only)."""

from __future__ import annotations

from dataclasses import dataclass

from tenants.models import Institution

from .models import NoticeSignoffFigures


@dataclass(frozen=True)
class SignoffRow:
    institution: Institution
    figures: NoticeSignoffFigures | None  # None: the institution has not published them yet


def signoff_by_institution(*, public_document_id: int) -> list[SignoffRow]:
    """Each active institution's sign-off of one committee notice, least signed first (two
    queries). Counts only: who signed stays in the institution's schema."""
    figures = {
        row.institution_id: row for row in NoticeSignoffFigures.objects.filter(public_document_id=public_document_id)
    }
    institutions = Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("code")
    rows = [SignoffRow(institution=inst, figures=figures.get(inst.pk)) for inst in institutions]
    return sorted(rows, key=lambda row: row.figures.signed_percent if row.figures is not None else -1)


def signoff_totals(rows: list[SignoffRow]) -> dict[str, int | None]:
    """The sums over the institutions that have published; ``percent`` is None before any has."""
    counted = [row.figures for row in rows if row.figures is not None]
    expected = sum(f.expected_count for f in counted)
    signed = sum(f.signed_count for f in counted)
    return {
        "expected": expected,
        "signed": signed,
        "percent": round(100 * signed / expected) if expected else None,
    }
