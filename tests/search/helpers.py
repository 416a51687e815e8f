"""Helpers for search tests: org units, people with scopes, indexing and searching as someone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection

from services.accounts.models import User
from services.members.search_index import member_entries
from services.organization.models import OrgUnit, Position
from services.search import selectors
from services.search.backends import Results, SearchBackend
from services.search.contract import IndexEntry
from tests.factories import MemberFactory, OrgUnitFactory, UserFactory


def index(backend: SearchBackend, entries: Sequence[IndexEntry]) -> None:
    backend.upsert(schema=connection.schema_name, entries=list(entries))
    backend.refresh(schema=connection.schema_name)


def index_members(backend: SearchBackend, *members: Any) -> None:
    index(backend, list(member_entries([m.pk for m in members])))


def person(*, name: str, branch: OrgUnit, position: str | None = None) -> User:
    """A signed-in person with a member record in ``branch`` (and a position held there)."""
    user = UserFactory(display_name=name)
    member = MemberFactory(name=name, branch=branch, user=user)
    if position:
        Position.objects.create(member=member, unit=branch, kind=position, started_on=date(2024, 1, 1))
    return User.objects.get(pk=user.pk)


def branch(name: str, parent: OrgUnit | None = None) -> OrgUnit:
    return OrgUnitFactory(name=name, parent=parent)


def find(user: Any, q: str, **kwargs: Any) -> Results:
    return selectors.search(acting_user=user, q=q, **kwargs)


def titles(results: Results) -> list[str]:
    return [hit.title for hit in results.hits]


def ids(results: Results) -> set[int]:
    return {hit.object_id for hit in results.hits}
