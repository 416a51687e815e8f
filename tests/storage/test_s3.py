"""What only the S3 backend does: checksums, presigned URLs, batching, a missing bucket. Against a
real S3 API (moto's server on loopback); boto3 is never patched."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from services.storage.backends import FileSystemStorage
from services.storage.s3 import PART_SIZE, S3Storage, StorageError
from tests.storage.conftest import ACCESS_KEY, REGION, SECRET_KEY, Moto

MIB = 1024 * 1024


def b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_the_sha256_checksum_is_stored_with_a_small_object(moto_server: Moto, s3_bucket: str) -> None:
    storage = moto_server.storage(s3_bucket)
    data = os.urandom(1000)
    storage.save("alpha/a.bin", io.BytesIO(data))
    assert storage.checksum("alpha/a.bin") == b64_sha256(data)


def test_a_multipart_object_stores_the_checksum_of_its_parts(moto_server: Moto, s3_bucket: str) -> None:
    storage = moto_server.storage(s3_bucket)
    data = os.urandom(PART_SIZE + 5 * MIB)
    storage.save("alpha/big.bin", io.BytesIO(data))
    parts = [data[:PART_SIZE], data[PART_SIZE:]]
    composite = base64.b64encode(hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest())
    stored = storage.checksum("alpha/big.bin")
    assert stored is not None
    assert stored.split("-")[0] == composite.decode()  # AWS appends "-2" (the part count); moto does not
    uploads = moto_server.client().list_multipart_uploads(Bucket=s3_bucket)
    assert not uploads.get("Uploads")  # completed, nothing left dangling


def test_a_presigned_url_serves_the_bytes_over_http(moto_server: Moto, s3_bucket: str) -> None:
    storage = moto_server.storage(s3_bucket)
    data = os.urandom(2048)
    storage.save("alpha/doc.pdf", io.BytesIO(data))
    url = storage.url("alpha/doc.pdf")
    assert url.startswith(moto_server.endpoint_url + "/")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback http)
        assert response.read() == data


def test_a_presigned_url_carries_the_requested_expiry(moto_server: Moto, s3_bucket: str) -> None:
    storage = moto_server.storage(s3_bucket)
    storage.save("alpha/doc.pdf", io.BytesIO(b"x"))
    assert parse_qs(urlsplit(storage.url("alpha/doc.pdf")).query)["X-Amz-Expires"] == ["300"]
    assert parse_qs(urlsplit(storage.url("alpha/doc.pdf", expires=60)).query)["X-Amz-Expires"] == ["60"]
    with pytest.raises(ValueError, match="expires"):
        storage.url("alpha/doc.pdf", expires=0)
    with pytest.raises(ValueError, match="expires"):
        storage.url("alpha/doc.pdf", expires=8 * 24 * 3600)


def test_a_presigned_download_carries_the_file_name_and_type(moto_server: Moto, s3_bucket: str) -> None:
    storage = moto_server.storage(s3_bucket)
    storage.save("alpha/v1.pdf", io.BytesIO(b"%PDF-1.4 x"))
    url = storage.url("alpha/v1.pdf", 60, filename="学习 资料.pdf", content_type="application/pdf")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback http)
        assert response.read() == b"%PDF-1.4 x"
        assert response.headers["Content-Type"] == "application/pdf"
        disposition = response.headers["Content-Disposition"]
    # The name in RFC 6266 form, so a browser saves it under its Chinese name.
    assert disposition.startswith("attachment") and "filename*=utf-8''%E5%AD%A6%E4%B9%A0%20" in disposition


def test_presigned_urls_are_signed_for_the_address_browsers_use(moto_server: Moto, s3_bucket: str) -> None:
    # The server reaches the store as 127.0.0.1; browsers are told "localhost" (another name for
    # the same loopback server, standing in for a public address in front of an internal MinIO).
    public = moto_server.endpoint_url.replace("127.0.0.1", "localhost")
    assert public != moto_server.endpoint_url
    storage = S3Storage(
        s3_bucket,
        endpoint_url=moto_server.endpoint_url,
        region=REGION,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        public_endpoint_url=public,
    )
    storage.save("alpha/doc.txt", io.BytesIO(b"hello"))
    url = storage.url("alpha/doc.txt")
    assert url.startswith(public + "/")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback http)
        assert response.read() == b"hello"


def test_the_filesystem_backend_says_plainly_it_has_no_urls(tmp_path: Path) -> None:
    storage = FileSystemStorage(tmp_path)
    storage.save("alpha/a.txt", io.BytesIO(b"a"))
    with pytest.raises(NotImplementedError, match="no direct URLs"):
        storage.url("alpha/a.txt")


def test_list_and_delete_prefix_go_page_by_page(moto_server: Moto, s3_bucket: str) -> None:
    # A batch of 2 stands in for S3's 1000 so that several pages and delete requests are needed.
    storage = moto_server.storage(s3_bucket, batch=2)
    keys = [f"alpha/{i}.txt" for i in range(5)]
    for key in [*keys, "beta/0.txt"]:
        storage.save(key, io.BytesIO(b"x"))
    assert sorted(storage.list("alpha/")) == keys
    assert storage.delete_prefix("alpha/") == 5
    assert list(storage.list("alpha/")) == []
    assert list(storage.list("beta/")) == ["beta/0.txt"]


def test_a_missing_bucket_is_a_clear_error(moto_server: Moto) -> None:
    storage = moto_server.storage("no-such-bucket-here")
    with pytest.raises(StorageError, match="bucket 'no-such-bucket-here' does not exist"):
        storage.save("alpha/a.txt", io.BytesIO(b"a"))
    with pytest.raises(StorageError, match="does not exist"):
        storage.open("alpha/a.txt")
    with pytest.raises(StorageError, match="does not exist"):
        list(storage.list("alpha/"))


def test_a_bucket_name_is_required() -> None:
    with pytest.raises(ValueError, match="S3_BUCKET"):
        S3Storage("")
