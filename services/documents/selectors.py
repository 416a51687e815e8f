"""Reads of documents, always narrowed to what the acting user may see.

THE visibility rule (``visibility_q``; the search index's ``org_path`` says the same thing):
- a document for the whole institution (no scope unit) is seen by everyone of the institution;
- a document scoped to a unit's subtree is seen by people whose own branch is inside that subtree,
  by people who see a unit inside it (a secretary of a branch below), and by people whose scope
  covers the unit (a manager above it); ``Scope.everything`` sees everything;
- what the municipal committee publishes (the public schema) is seen by everyone of every institution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django_tenants.utils import get_public_schema_name, schema_context

from services.organization.models import OrgUnit
from services.organization.scope import Scope, ancestor_paths, scope_for

from .models import Document, DocumentVersion, Receipt

PUBLISHER_ROLES = frozenset({"committee", "operator"})


def in_public_schema() -> bool:
    return getattr(connection, "schema_name", get_public_schema_name()) == get_public_schema_name()


def unit_contains(outer: OrgUnit, inner: OrgUnit) -> bool:
    return inner.path.startswith(outer.path)


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their scope and the path of their own branch."""

    scope: Scope
    branch_path: str = ""
    member_id: int | None = None  # the user's own member record (who signs notices)


def viewer_for(user: Any) -> Viewer:
    from services.members.models import Member

    scope = scope_for(user)
    if scope.everything:
        # Scope does not carry an administrator's own record; they sign notices too.
        member_id = Member.objects.filter(user_id=getattr(user, "pk", 0)).values_list("pk", flat=True).first()
        return Viewer(scope=scope, member_id=member_id)
    if scope.own_member_id is None:
        return Viewer(scope=scope)
    path = Member.objects.filter(pk=scope.own_member_id).values_list("branch__path", flat=True).first()
    return Viewer(scope=scope, branch_path=path or "", member_id=scope.own_member_id)


def visibility_q(viewer: Viewer) -> Q:
    """The one visibility rule of institution documents, as a filter (see the module docstring)."""
    scope = viewer.scope
    if scope.everything:
        return Q()
    condition = Q(scope_unit__isnull=True)
    anchors = set(scope.seen_paths)
    if viewer.branch_path:
        anchors.add(viewer.branch_path)
    containing = sorted({prefix for anchor in anchors for prefix in ancestor_paths(anchor)})
    if containing:
        condition |= Q(scope_unit__path__in=containing)
    if scope.seen_paths:
        condition |= scope.units_q("scope_unit__")
    return condition


def can_publish_in(*, user: Any, unit: OrgUnit | None) -> bool:
    """Managers of ``unit`` publish in its subtree; the whole institution needs an institution
    administrator; the public schema needs a committee or operator console account."""
    if not getattr(user, "is_authenticated", False):
        return False
    if in_public_schema():
        return getattr(user, "platform_role", "") in PUBLISHER_ROLES
    scope = scope_for(user)
    if unit is None:
        return scope.everything
    return scope.covers_unit(unit, manage=True)


def can_manage_document(*, user: Any, document: Document) -> bool:
    return can_publish_in(user=user, unit=document.scope_unit)


def _with_current(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.select_related("current_version", "scope_unit", "created_by")


def document_list(
    *,
    acting_user: Any,
    viewer: Viewer | None = None,
    kind: str = "",
    tag: str = "",
    unit_id: int | None = None,
) -> QuerySet[Document]:
    """Institution documents the user may see, newest first; ``unit_id`` keeps the documents
    scoped to that unit's subtree."""
    viewer = viewer or viewer_for(acting_user)
    documents = _with_current(Document.objects.filter(visibility_q(viewer)))
    if kind:
        documents = documents.filter(kind=kind)
    if tag:
        documents = documents.filter(tags__contains=[tag])
    if unit_id:
        path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or "-"
        documents = documents.filter(scope_unit__path__startswith=path)
    if viewer.member_id is not None:
        documents = documents.annotate(
            signed=Exists(Receipt.objects.filter(document=OuterRef("pk"), member_id=viewer.member_id))
        )
    return documents.order_by("-updated_at", "-id")


def document_get(*, acting_user: Any, pk: int) -> Document:
    """One document the user may see; Document.DoesNotExist otherwise (a 404, never a 403)."""
    return document_list(acting_user=acting_user).get(pk=pk)


def document_versions(*, document: Document) -> QuerySet[DocumentVersion]:
    return (
        DocumentVersion.objects.filter(document=document).select_related("created_by").defer("text").order_by("-number")
    )


def version_get(*, document: Document, number: int) -> DocumentVersion:
    return DocumentVersion.objects.defer("text").get(document=document, number=number)


def public_document_list(*, kind: str = "", tag: str = "") -> QuerySet[Document]:
    """What the committee published (call inside the public schema)."""
    # No scope unit to join: the public schema has no org units (its documents are for everyone).
    documents = Document.objects.select_related("current_version", "created_by")
    if kind:
        documents = documents.filter(kind=kind)
    if tag:
        documents = documents.filter(tags__contains=[tag])
    return documents.order_by("-updated_at", "-id")


def public_page(*, kind: str = "", tag: str = "", number: Any = 1, per_page: int = 20) -> Page[Document]:
    """One page of the committee's documents, read in the public schema from anywhere; the rows
    are loaded inside the public schema (a lazy queryset would run in the caller's)."""
    with schema_context(get_public_schema_name()):
        page = Paginator(public_document_list(kind=kind, tag=tag), per_page).get_page(number)
        page.object_list = list(page.object_list)
    return page


def public_document_get(*, pk: int) -> tuple[Document, list[DocumentVersion]]:
    """A committee document and its versions, read in the public schema."""
    with schema_context(get_public_schema_name()):
        document = public_document_list().get(pk=pk)
        versions = list(document_versions(document=document))
    return document, versions


def members_signing() -> QuerySet[Any]:
    """This institution's members who are expected to sign notices at all: not transferred out,
    stopped or deceased (off the roll). Everyone of them for the committee's notices."""
    from services.members.models import Member
    from services.members.status import OFF_ROLL_STATUSES

    return Member.objects.exclude(status__in=OFF_ROLL_STATUSES)


def signing_members(*, document: Document, public: bool = False) -> QuerySet[Any]:
    """Members expected to sign ``document``: in its scope (every member for the committee's
    notices, ``public``), not transferred out, stopped or deceased."""
    members = members_signing()
    if not public and document.scope_unit_id is not None:
        members = members.filter(branch__path__startswith=document.scope_unit.path)  # type: ignore[union-attr]
    return members


def receipt_roll(
    *, document: Document, acting_user: Any, viewer: Viewer | None = None, public: bool = False
) -> QuerySet[Any]:
    """Who signed and who has not, among the members the manager's scope covers: one query,
    each member annotated with ``signed_at`` (None = not yet signed), unsigned first. ``public``:
    ``document`` is the committee's (read from the public schema), the receipts are this
    institution's."""
    viewer = viewer or viewer_for(acting_user)
    receipts = (
        Receipt.objects.filter(public_document_id=document.pk) if public else Receipt.objects.filter(document=document)
    )
    signed_at = receipts.filter(member_id=OuterRef("pk")).values("signed_at")[:1]
    return (
        signing_members(document=document, public=public)
        .filter(viewer.scope.members_q(manage=True))
        .select_related("branch")
        .annotate(signed_at=Subquery(signed_at))
        .order_by("-signed_at", "branch__path", "name")
        .only("id", "name", "status", "branch__name", "branch__path")
    )


def public_signed_ids(*, viewer: Viewer, ids: list[int]) -> set[int]:
    """Which of the committee's notices ``ids`` the viewer's member record signed (one query)."""
    if viewer.member_id is None or not ids:
        return set()
    signed = Receipt.objects.filter(public_document_id__in=ids, member_id=viewer.member_id)
    return {pk for pk in signed.values_list("public_document_id", flat=True) if pk is not None}


def receipt_counts(*, roll: QuerySet[Any]) -> dict[str, int]:
    from django.db.models import Count

    totals = roll.order_by().aggregate(total=Count("id"), signed=Count("signed_at"))
    return {"total": totals["total"], "signed": totals["signed"], "unsigned": totals["total"] - totals["signed"]}


def library_units(*, viewer: Viewer) -> QuerySet[OrgUnit]:
    """Units offered in the library's unit filter and as scopes: what the user sees."""
    units = OrgUnit.objects.filter(closed_on__isnull=True)
    if viewer.scope.everything:
        return units.order_by("path")
    return units.filter(viewer.scope.units_q()).order_by("path")


def publishable_units(*, user: Any) -> QuerySet[OrgUnit]:
    scope = scope_for(user)
    return OrgUnit.objects.filter(closed_on__isnull=True).filter(scope.units_q(manage=True)).order_by("path")


def tag_cloud(*, documents: QuerySet[Document], limit: int = 30, sample: int = 500) -> list[str]:
    """The most used tags among the ``sample`` latest of ``documents`` (one query)."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for tags in documents.order_by("-updated_at").values_list("tags", flat=True)[:sample]:
        counts.update(tags)
    return [tag for tag, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]]
