"""Portal pages for what the municipal committee published to every institution: read from the
public schema, signed here (the receipts stay in this institution)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect

from . import selectors, signoff
from .models import Document, DocumentVersion
from .views import render_receipts, stream_version


def _public_or_404(pk: int) -> tuple[Document, list[DocumentVersion]]:
    try:
        return selectors.public_document_get(pk=pk)
    except Document.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@never_cache
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A document the municipal committee published, read from the public schema; its notices
    are signed here, the receipts stay in this institution."""
    document, versions = _public_or_404(pk)
    context: dict[str, Any] = {"document": document, "versions": versions, "can_manage": False, "public": True}
    if document.requires_signoff:
        viewer = selectors.viewer_for(request.user)
        context["can_sign"] = viewer.member_id is not None
        context["signed"] = bool(selectors.public_signed_ids(viewer=viewer, ids=[document.pk]))
        if viewer.scope.is_manager:
            context["receipt_counts"] = selectors.receipt_counts(
                roll=selectors.receipt_roll(document=document, acting_user=request.user, viewer=viewer, public=True)
            )
    return render(request, "documents/detail.html", context)


@login_required
@require_POST
def public_sign(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        return run_and_redirect(
            request,
            lambda: signoff.public_notice_sign(document_id=pk, acting_user=request.user),
            success=_("已签收。"),
            to=redirect("documents:public_detail", pk=pk),
            joined=" ",
        )
    except Document.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@never_cache
def public_receipts(request: HttpRequest, pk: int) -> HttpResponse:
    """Who in this institution signed a committee notice and who has not (members the manager covers)."""
    document, _versions = _public_or_404(pk)
    return render_receipts(
        request, document, public=True, back_url=reverse("documents:public_detail", kwargs={"pk": pk})
    )


@login_required
def public_file(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    from django_tenants.utils import get_public_schema_name, schema_context

    with schema_context(get_public_schema_name()):
        try:
            version = DocumentVersion.objects.defer("text").get(document_id=pk, number=number)
        except DocumentVersion.DoesNotExist as exc:
            raise Http404 from exc
    return stream_version(version, inline=request.GET.get("inline") == "1")
