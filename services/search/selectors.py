"""Searching, narrowed to what the acting user may see (services/organization/scope.py).

The user's scope becomes a ``Visibility`` that the backend applies inside its own query; the
results are grouped by kind for the page and flattened for the suggest box. Two reads of the
database at most (scope_for, the user's own branch path), then the backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.organization.scope import scope_for
from tenants.db import connection

from .backends import Query, Results, Visibility, get_backend, path_prefixes

MAX_QUERY_CHARS = 100


def visibility_for(user: Any) -> Visibility:
    """What ``user`` may find: their scope, their own record and the subtrees containing their
    own branch or a unit they see (documents scoped to an org subtree)."""
    scope = scope_for(user)
    if scope.everything:
        return Visibility(everything=True)
    within: set[str] = set()
    for path in scope.seen_paths:
        within.update(path_prefixes(path))
    if scope.own_member_id is not None:
        from services.members.models import Member

        branch_path = Member.objects.filter(pk=scope.own_member_id).values_list("branch__path", flat=True).first()
        if branch_path:
            within.update(path_prefixes(branch_path))
    return Visibility(
        seen_paths=tuple(sorted(scope.seen_paths)),
        within_paths=tuple(sorted(within)),
        own_member_id=scope.own_member_id,
    )


@dataclass(frozen=True)
class Filters:
    doc_type: str = ""
    tag: str = ""
    day_from: date | None = None
    day_to: date | None = None
    org_path: str = ""


def search(
    *,
    acting_user: Any,
    q: str,
    kinds: tuple[str, ...] = (),
    filters: Filters | None = None,
    limit: int = 20,
    offset: int = 0,
    prefix: bool = False,
    visibility: Visibility | None = None,
) -> Results:
    """Entries matching ``q`` that ``acting_user`` may see, best first."""
    filters = filters or Filters()
    query = Query(
        text=q[:MAX_QUERY_CHARS],
        visibility=visibility or visibility_for(acting_user),
        kinds=kinds,
        doc_type=filters.doc_type,
        tag=filters.tag,
        day_from=filters.day_from,
        day_to=filters.day_to,
        org_path=filters.org_path,
        limit=limit,
        offset=offset,
        prefix=prefix,
    )
    return get_backend().search(schema=connection.schema_name, query=query)


DOCUMENT_KINDS = ("document",)
MEMBER_KINDS = ("member",)


def search_grouped(
    *, acting_user: Any, q: str, filters: Filters | None = None, page: int = 1, per_page: int = 20
) -> dict[str, Results]:
    """The search page: documents (filtered, paged) and members (name, pinyin; first page only).
    Member results ignore document filters (type, tag, date) but keep the org unit."""
    visibility = visibility_for(acting_user)
    filters = filters or Filters()
    documents = search(
        acting_user=acting_user,
        q=q,
        kinds=DOCUMENT_KINDS,
        filters=filters,
        limit=per_page,
        offset=(page - 1) * per_page,
        visibility=visibility,
    )
    members = search(
        acting_user=acting_user,
        q=q,
        kinds=MEMBER_KINDS,
        filters=Filters(org_path=filters.org_path),
        limit=10,
        visibility=visibility,
    )
    return {"documents": documents, "members": members}


def suggest(*, acting_user: Any, q: str, limit: int = 8) -> Results:
    """Results as you type: every kind, the last word matched as a prefix."""
    return search(acting_user=acting_user, q=q, limit=limit, prefix=True)
