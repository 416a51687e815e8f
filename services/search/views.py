"""The search page: documents and members grouped, snippets, filters. Thin: the form parses,
the selectors search (narrowed to the user inside the backend), the template shows."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from services.kernel.inputs import Number
from services.organization.models import OrgUnit
from services.organization.scope import scope_for

from . import selectors
from .backends import BackendUnavailable
from .forms import DOC_TYPES, SearchForm

PER_PAGE = 20
# Elasticsearch serves at most 10,000 results deep.
PAGE = Number("page", allow_empty=True, minimum=1, maximum=10000 // PER_PAGE)


def visible_units(user: Any) -> list[tuple[int, str, str]]:
    """The open org units the user sees, for the unit filter: (id, name, path), tree order."""
    rows = OrgUnit.objects.filter(scope_for(user).units_q(), closed_on__isnull=True).order_by("path")
    return [(pk, name, path) for pk, name, path in rows.values_list("pk", "name", "path")]


@login_required
def page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, units=visible_units(request.user))
    context: dict[str, Any] = {"form": form, "q": ""}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        number = PAGE.read(request.GET, default=1) or 1
        try:
            groups = selectors.search_grouped(
                acting_user=request.user,
                q=form.cleaned_data["q"],
                filters=form.filters(),
                page=number,
                per_page=PER_PAGE,
            )
        except BackendUnavailable:
            # No node answered at all (a cluster that lost a node still answers, see docs/search.md):
            # say so in Chinese instead of the server-error page; the outbox keeps every update.
            context.update(q=form.cleaned_data["q"], unavailable=True)
            return render(request, "search/page.html", context, status=503)
        documents = groups["documents"]
        labels = {key: str(label) for key, label in DOC_TYPES if key}
        pages = max(1, -(-documents.total // PER_PAGE))
        context.update(
            q=form.cleaned_data["q"],
            documents=documents,
            document_rows=[(hit, labels.get(hit.doc_type, hit.doc_type)) for hit in documents.hits],
            members=groups["members"],
            # A node of the search cluster down and some shards unanswered: say the list may be short.
            partial=documents.partial or groups["members"].partial,
            page_number=number,
            pages=pages,
            previous_page=number - 1 if number > 1 else None,
            next_page=number + 1 if number < pages else None,
        )
    return render(request, "search/page.html", context)
