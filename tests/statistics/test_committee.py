"""The committee's side: each institution's job publishes its filled tables to the public schema
(numbers only, no name, no id of a person); the console sums them over the institutions, by type,
runs the same checks on the sums and exports the same workbook."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from services.accounts.models import User
from services.statistics.models import PublishedTables
from services.statistics.selectors import committee_sum
from services.statistics.services import tables_publish
from services.statistics.tasks import publish_tables
from services.statistics.template import edition_for
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user

from .conftest import YEAR, make_world

pytestmark = pytest.mark.django_db


def _leaves(node: object) -> list[object]:
    if isinstance(node, dict):
        return [leaf for value in node.values() for leaf in _leaves(value)]
    return [node]


@pytest.fixture
def published(inst_a: Institution, inst_b: Institution) -> list[str]:
    names = []
    with in_schema(inst_a):
        names += [m.name for m in make_world(inst_a).members.values()]
    publish_tables(inst_a.schema_name, YEAR)  # the job, as the worker runs it
    with in_schema(inst_b):
        names += [m.name for m in make_world(inst_b, prefix="stb").members.values()]
        tables_publish(institution=inst_b, year=YEAR)
    return names


def test_the_public_table_holds_only_numbers(published: list[str], inst_a: Institution) -> None:
    row = PublishedTables.objects.get(institution=inst_a, year=YEAR)
    assert row.edition == "edu-2024" and row.checks_passed
    assert row.cells["t1"]["total"]["total"] == 5
    assert all(type(leaf) is int for leaf in _leaves(row.cells))
    text = json.dumps(row.cells, ensure_ascii=False)
    assert not any(name in text for name in published)


def test_publishing_again_replaces_the_years_row(published: list[str], inst_b: Institution) -> None:
    with in_schema(inst_b):
        tables_publish(institution=inst_b, year=YEAR)
    assert PublishedTables.objects.filter(institution=inst_b, year=YEAR).count() == 1


def test_the_committee_sums_two_institutions_and_checks_the_sums(
    published: list[str], inst_a: Institution, inst_b: Institution
) -> None:
    summed = committee_sum(edition=edition_for(YEAR), year=YEAR)
    assert summed.institutions == 2 and summed.not_passing == 0
    assert summed.cells["t1"]["total"] == {"total": 10, "male": 6, "female": 4, "minority": 2, "full": 8,
                                           "probationary": 2}  # fmt: skip
    assert summed.cells["t6"]["total"]["transferred_out"] == 2
    assert not summed.failures
    Institution.objects.filter(pk=inst_b.pk).update(kind=Institution.Kind.VOCATIONAL)
    only_b = committee_sum(edition=edition_for(YEAR), year=YEAR, kinds=[Institution.Kind.VOCATIONAL])
    assert only_b.institutions == 1 and only_b.cells["t1"]["total"]["total"] == 5


def test_a_failing_check_on_the_sums_is_reported(published: list[str], inst_a: Institution) -> None:
    row = PublishedTables.objects.get(institution=inst_a, year=YEAR)
    row.cells["t1"]["total"]["female"] += 1  # as an institution on an older job might have sent
    row.save()
    summed = committee_sum(edition=edition_for(YEAR), year=YEAR)
    messages = [f.message for f in summed.failures]
    assert "校验“男 + 女 = 党员总数”未通过：表1 党员数量及构成“合计”行“男”、“女”列之和为 11，" in messages[0]


def test_the_console_page_and_export_for_the_committee(published: list[str], committee_user: User) -> None:
    client = client_for(None, committee_user)
    page = client.get("/statistics/", {"year": YEAR})
    assert page.status_code == 200
    body = page.content.decode()
    assert "表1 党员数量及构成" in body and "校验全部通过" in body
    assert not any(name in body for name in published)
    response = client.post("/statistics/export/", {"year": YEAR})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["表1 党员数量及构成"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["合计"] == (10, 6, 4, 2, 8, 2)


def test_only_console_roles_see_the_sum(db: None) -> None:
    someone = make_user(None, username="plain_console_user")
    assert client_for(None, someone).get("/statistics/").status_code == 403


def test_the_nightly_figures_job_publishes_last_years_and_this_years_tables(inst_a: Institution) -> None:
    from django.utils import timezone

    from services.oversight.tasks import publish_figures

    with in_schema(inst_a):
        make_world(inst_a)
    publish_figures(inst_a.schema_name)  # the job, as the worker runs it each night
    this_year = timezone.localdate().year
    assert set(PublishedTables.objects.filter(institution=inst_a).values_list("year", flat=True)) == {
        this_year - 1,
        this_year,
    }
