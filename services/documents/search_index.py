"""What documents hand to the search index (services/search/contract.py).

One ``IndexEntry`` per document that still exists in the current schema: the title, the latest
version's extracted text after the description as the body, the kind, tags, the day of the last
change and ``org_path`` = the scope unit's path ("" for the whole institution, or for every
institution when the committee published it in the public schema) — the same rule as
selectors.visibility_q.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from services.search.contract import IndexEntry, search_provider

from .models import Document
from .selectors import in_public_schema


def _url(document: Document) -> str:
    name = "documents:public_detail" if in_public_schema() else "documents:detail"
    return reverse(name, kwargs={"pk": document.pk}, urlconf=settings.ROOT_URLCONF)


def _all_ids() -> Iterable[int]:
    return Document.objects.values_list("pk", flat=True).iterator()


def _ids_under(path_prefix: str) -> Iterable[int]:
    if in_public_schema():
        return []
    return Document.objects.filter(scope_unit__path__startswith=path_prefix).values_list("pk", flat=True)


@search_provider("document", all_ids=_all_ids, ids_under=_ids_under)
def document_entries(ids: Iterable[int]) -> Iterator[IndexEntry]:
    wanted = list(ids)
    documents = Document.objects.filter(pk__in=wanted).select_related("current_version")
    if not in_public_schema():
        # The public copy has no org units to join: its documents are for every institution.
        documents = documents.select_related("scope_unit")
    for document in documents:
        version = document.current_version
        text = version.text if version is not None else ""
        yield IndexEntry(
            kind="document",
            object_id=document.pk,
            title=document.title,
            body="\n".join(part for part in (document.description, text) if part),
            url=_url(document),
            doc_type=document.kind,
            tags=tuple(document.tags),
            day=timezone.localdate(document.updated_at),
            org_path="" if in_public_schema() or document.scope_unit is None else document.scope_unit.path,
        )
