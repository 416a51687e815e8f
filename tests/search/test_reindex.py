"""``manage.py reindex`` rebuilds an institution's index from the database, with progress, and
drops entries whose objects are gone; the demo seeding makes institutions searchable."""

from __future__ import annotations

import io
import random

from django.core.management import call_command
from django.db import connection

from services.search.backends import Query, Visibility
from services.search.contract import IndexEntry
from services.search.demo_data import seed_institution
from tests.conftest import in_schema
from tests.factories import MemberFactory


def _titles(backend, q: str) -> list[str]:
    backend.refresh(schema=connection.schema_name)
    query = Query(text=q, visibility=Visibility(everything=True), limit=100)
    return [h.title for h in backend.search(schema=connection.schema_name, query=query).hits]


def test_reindex_rebuilds_one_institution_with_progress(backend, inst_a, inst_b) -> None:
    with in_schema(inst_a):
        members = [MemberFactory(name=name) for name in ("郭靖", "黄蓉", "杨过")]
        backend.upsert(
            schema=connection.schema_name,
            entries=[IndexEntry(kind="member", object_id=999999, title="郭靖的旧条目", body="", url="/")],
        )
    with in_schema(inst_b):
        MemberFactory(name="郭襄")
    out = io.StringIO()
    call_command("reindex", "--institution", inst_a.code, stdout=out)
    output = out.getvalue()
    assert "member: 3/3 (100%)" in output
    with in_schema(inst_a):
        assert sorted(_titles(backend, "郭靖")) == ["郭靖"]  # the stale entry is gone
        for member in members:
            assert _titles(backend, member.name) == [member.name]
    with in_schema(inst_b):
        assert _titles(backend, "郭襄") == []  # only the named institution was rebuilt


def test_reindex_of_an_unknown_institution_is_an_error(backend) -> None:
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown institution"):
        call_command("reindex", "--institution", "nope", stdout=io.StringIO())


def test_reindex_public_runs_only_shared_providers(backend, inst_a) -> None:
    out = io.StringIO()
    call_command("reindex", "--public", stdout=out)
    assert "member" not in out.getvalue()  # members live in institution schemas only


def test_demo_seeding_makes_the_institution_searchable(backend, inst_a) -> None:
    with in_schema(inst_a):
        MemberFactory(name="慕容复")
        seed_institution(institution=inst_a, rng=random.Random(0))
        assert _titles(backend, "murongfu") == ["慕容复"]
