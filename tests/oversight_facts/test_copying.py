"""Writing many rows at once (services/oversight/copying.py): rows copied in as CSV and merged —
NULLs, booleans, text that CSV must quote and a value that needs updating all arrive as given."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from services.oversight.copying import copy_upsert
from services.oversight.facts import COLUMNS
from services.oversight.models import UnitFact
from tenants.models import Institution
from tests.conftest import in_schema

pytestmark = pytest.mark.django_db


def _published(institution: Institution) -> dict[str, tuple[object, ...]]:
    rows = UnitFact.objects.filter(institution=institution).values_list(
        "metric", "unit_kind", "depth", "suppressed", "numerator", "denominator"
    )
    return {metric: tuple(rest) for metric, *rest in rows}


def test_rows_are_copied_and_merged_as_given(inst_a: Institution) -> None:
    now = timezone.now()
    odd = 'a,b "c"\nd\\e\t'
    with in_schema("public"), transaction.atomic():
        copy_upsert(
            UnitFact,
            columns=COLUMNS,
            keys=COLUMNS[:4],
            rows=[
                (inst_a.pk, "m.one", "2026", "1.", "committee", 1, False, 3, 4, now),
                (inst_a.pk, odd, "2026", "1.", "branch", 1, True, None, None, now),
            ],
        )
    with in_schema("public"):
        assert _published(inst_a) == {
            "m.one": ("committee", 1, False, 3, 4),
            odd: ("branch", 1, True, None, None),
        }
        assert UnitFact.objects.get(institution=inst_a, metric="m.one").computed_at == now
    # Again, in one transaction twice: an existing row is updated, a new one added.
    with in_schema("public"), transaction.atomic():
        copy_upsert(
            UnitFact,
            columns=COLUMNS,
            keys=COLUMNS[:4],
            rows=[(inst_a.pk, "m.one", "2026", "1.", "committee", 1, False, 5, None, now)],
        )
        copy_upsert(
            UnitFact,
            columns=COLUMNS,
            keys=COLUMNS[:4],
            rows=[(inst_a.pk, "m.two", "2026", "1.", "committee", 1, False, 0, 7, now)],
        )
    with in_schema("public"):
        assert _published(inst_a) == {
            "m.one": ("committee", 1, False, 5, None),
            odd: ("branch", 1, True, None, None),
            "m.two": ("committee", 1, False, 0, 7),
        }
