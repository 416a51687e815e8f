"""The document capability on the S3 backend (a real S3 API: moto's server on loopback): upload,
extraction, download, restore, deletion and the sweeper work the same as on the filesystem."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

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
