"""Isolation cases for the documents routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from django.db import models

from services.accounts.models import User
from tests.isolation.case import CONSOLE, TENANT, Case


def _document(owner: User, marker: str) -> models.Model:
    """A whole-institution notice with one version (rows only: the routes under test never reach
    the stored object for another institution's id, and no file is left behind)."""
    from services.documents.models import Document, DocumentVersion

    document = Document.objects.create(
        kind=Document.Kind.NOTICE, title=marker, requires_signoff=True, created_by=owner, version_count=1
    )
    version = DocumentVersion.objects.create(
        document=document,
        number=1,
        filename=f"{marker}.txt",
        content_type="text/plain",
        size=1,
        sha256="0" * 64,
        storage_key=f"isolation/{document.pk}/{marker}.txt",
    )
    Document.objects.filter(pk=document.pk).update(current_version=version)
    return document


VERSION = {"number": "1"}

CASES: dict[tuple[str, str], Case] = {
    # Portal pages
    (TENANT, "documents:library"): Case("collection", factory=_document),
    (TENANT, "documents:upload"): Case("page", methods=("get", "post")),
    (TENANT, "documents:detail"): Case("object", factory=_document),
    (TENANT, "documents:edit"): Case("object", factory=_document, methods=("get", "post")),
    (TENANT, "documents:delete"): Case("object", factory=_document, methods=("get", "post")),
    (TENANT, "documents:version_upload"): Case("object", factory=_document, methods=("post",)),
    (TENANT, "documents:file"): Case("object", factory=_document, url_kwargs=VERSION),
    (TENANT, "documents:restore"): Case("object", factory=_document, methods=("post",), url_kwargs=VERSION),
    (TENANT, "documents:sign"): Case("object", factory=_document, methods=("post",)),
    (TENANT, "documents:receipts"): Case("object", factory=_document),
    # The committee's documents are meant for every institution: only a signed-in user of the host reads them.
    (TENANT, "documents:public_detail"): Case("page"),
    (TENANT, "documents:public_file"): Case("page", url_kwargs=VERSION),
    (TENANT, "documents:public_sign"): Case("page", methods=("post",)),
    (TENANT, "documents:public_receipts"): Case("page"),
    # API
    (TENANT, "document-list"): Case("collection", factory=_document, methods=("get", "post")),
    (TENANT, "document-detail"): Case("object", factory=_document),
    (TENANT, "document-versions"): Case("object", factory=_document, methods=("post",)),
    (TENANT, "document-sign"): Case("object", factory=_document, methods=("post",)),
    (TENANT, "document-receipts"): Case("object", factory=_document),
    (TENANT, "document-file"): Case("object", factory=_document, url_kwargs=VERSION),
    (TENANT, "public-document-list"): Case("page"),
    (TENANT, "public-document-sign"): Case("page", methods=("post",)),
    # Console: the committee publishes to every institution
    (CONSOLE, "documents:console_list"): Case("console", methods=("get", "post")),
    (CONSOLE, "documents:console_detail"): Case("console"),
    (CONSOLE, "documents:console_version"): Case("console", methods=("post",)),
    (CONSOLE, "documents:console_file"): Case("console", url_kwargs=VERSION),
    (CONSOLE, "documents:console_delete"): Case("console", methods=("get", "post")),
}
