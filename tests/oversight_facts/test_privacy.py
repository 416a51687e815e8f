"""No personal data in the public facts: a full run over real records publishes unit paths of ids,
kinds, periods, metric names and numbers — no name of a person or a unit, no member id."""

from __future__ import annotations

import re

import pytest
from django.db import models
from django.utils import timezone

from services.oversight.facts import unit_facts_publish
from services.oversight.models import UnitFact
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory

from .helpers import make_tree

pytestmark = pytest.mark.django_db

METRIC = re.compile(r"^[a-z_]+(\.[a-z_]+)*(:\d+)?$")


def test_the_facts_hold_no_names_and_no_member_ids(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = make_tree()
        members = [MemberFactory(branch=tree.b1, name=f"张三{i}") for i in range(6)]
        unit_facts_publish(institution=inst_a, year=timezone.localdate().year)
    with in_schema("public"):
        text = [f.name for f in UnitFact._meta.get_fields() if isinstance(f, models.CharField)]
        assert sorted(text) == ["metric", "period", "unit_kind", "unit_path"]
        rows = list(UnitFact.objects.filter(institution=inst_a))
    assert rows
    member_ids = {str(m.pk) for m in members}
    for row in rows:
        assert re.fullmatch(r"(\d+\.)+", row.unit_path)
        assert re.fullmatch(r"\d{4}(-\d{2})?", row.period)
        assert METRIC.match(row.metric), row.metric
        assert not set(row.unit_path.rstrip(".").split(".")) & member_ids - {str(u.pk) for u in vars(tree).values()}
        dump = str(row.__dict__)
        assert "张三" not in dump and "支部" not in dump and "党委" not in dump
