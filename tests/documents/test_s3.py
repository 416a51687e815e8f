"""The document capability on the S3 backend (a real S3 API: moto's server on loopback): upload,
extraction, download, restore, deletion and the sweeper work the same as on the filesystem."""

from __future__ import annotations

import io
import time
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from pytest_django.fixtures import Settings

from services.documents import services
from services.documents.extraction import version_extract
from services.documents.models import Document
from services.storage.backends import get_storage
from services.storage.sweeper import sweep
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.documents.conftest import World
from tests.documents.files import docx_bytes
from tests.storage.conftest import ACCESS_KEY, REGION, SECRET_KEY, Moto, moto_server  # noqa: F401


@pytest.fixture
def s3_storage(settings: Settings, moto_server: Moto) -> Iterator[Any]:  # noqa: F811
    settings.STORAGE_BACKEND = "s3"
    settings.S3_BUCKET = moto_server.create_bucket()
    settings.S3_ENDPOINT_URL = moto_server.endpoint_url
    settings.S3_REGION = REGION
    settings.S3_ACCESS_KEY_ID = ACCESS_KEY
    settings.S3_SECRET_ACCESS_KEY = SECRET_KEY
    get_storage.cache_clear()
    yield get_storage()
    get_storage.cache_clear()


def test_documents_live_in_s3_from_upload_to_deletion(
    inst_a: Institution, world: World, s3_storage: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from services.storage.s3 import S3Storage

    assert isinstance(s3_storage, S3Storage)
    data = docx_bytes("存放在对象存储里的学习材料：换届选举")
    with in_schema(inst_a):
        document = services.document_create(
            acting_user=world.admin, kind=Document.Kind.STUDY, title="S3", upload=io.BytesIO(data), filename="s3.docx"
        )
        first = document.current_version
        assert first is not None
        assert "换届选举" in version_extract(version_id=first.pk).text  # type: ignore[union-attr]
        restored = services.document_version_restore(document=document, version=first, acting_user=world.admin)
    response = client_for(inst_a, world.member_x).get(
        reverse("documents:file", kwargs={"pk": document.pk, "number": restored.number})
    )
    assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]
    assert response["Content-Length"] == str(len(data))

    orphan = f"{inst_a.schema_name}/documents/424242/v1-{int(time.time()) - 7200}-lost.txt"
    s3_storage.save(orphan, io.BytesIO(b"lost"))
    with in_schema(inst_a):
        found = {o.key for o in sweep()}
        assert orphan in found and first.storage_key not in found
        keys = [first.storage_key, restored.storage_key]
        with django_capture_on_commit_callbacks(execute=True):
            services.document_delete(document=document, acting_user=world.admin)
    assert not any(s3_storage.exists(key) for key in keys)


def test_downloads_redirect_to_a_short_presigned_url_when_enabled(
    inst_a: Institution, world: World, s3_storage: Any, settings: Settings
) -> None:
    settings.S3_DOWNLOAD_REDIRECT = True
    settings.S3_DOWNLOAD_URL_EXPIRES = 45
    data = "本支部学习计划".encode()
    with in_schema(inst_a):
        document = services.document_create(
            acting_user=world.admin,
            kind=Document.Kind.STUDY,
            title="计划",
            upload=io.BytesIO(data),
            filename="计划.txt",
        )
    member = client_for(inst_a, world.member_x)
    download = member.get(reverse("documents:file", kwargs={"pk": document.pk, "number": 1}))
    assert download.status_code == 302 and download["Cache-Control"] == "private, no-store"
    location = download["Location"]
    assert location.startswith(s3_storage.client.meta.endpoint_url)
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["45"]
    with urllib.request.urlopen(location, timeout=10) as stored:  # noqa: S310 (loopback http)
        assert stored.read() == data
    # A preview keeps this site's sandboxing headers, so it still streams.
    preview = member.get(reverse("documents:file", kwargs={"pk": document.pk, "number": 1}), {"inline": "1"})
    assert preview.status_code == 200 and preview.content.decode() == "本支部学习计划"
    # The permission check comes first: someone outside the scope gets no URL.
    with in_schema(inst_a):
        restricted = services.document_create(
            acting_user=world.admin,
            kind=Document.Kind.STUDY,
            title="限本支部",
            upload=io.BytesIO(b"x"),
            filename="x.txt",
            scope_unit=world.tree.branch_x,
        )
    outsider = client_for(inst_a, world.member_z)
    refused = outsider.get(reverse("documents:file", kwargs={"pk": restricted.pk, "number": 1}))
    assert refused.status_code == 404
