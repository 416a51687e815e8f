"""get_storage() follows the settings, and /healthz probes whichever backend they choose."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings

from services.storage.backends import FileSystemStorage, get_storage
from services.storage.s3 import S3Storage
from tests.storage.conftest import ACCESS_KEY, REGION, SECRET_KEY, Moto


@pytest.fixture
def fresh_storage() -> Iterator[None]:
    # get_storage() is cached for the process: forget the instance built under other settings.
    get_storage.cache_clear()
    yield
    get_storage.cache_clear()


def s3_settings(moto: Moto, bucket: str) -> override_settings:
    return override_settings(
        STORAGE_BACKEND="s3",
        S3_BUCKET=bucket,
        S3_ENDPOINT_URL=moto.endpoint_url,
        S3_REGION=REGION,
        S3_ACCESS_KEY_ID=ACCESS_KEY,
        S3_SECRET_ACCESS_KEY=SECRET_KEY,
    )


def test_get_storage_picks_s3_when_the_settings_say_so(fresh_storage: None, moto_server: Moto, s3_bucket: str) -> None:
    with s3_settings(moto_server, s3_bucket):
        storage = get_storage()
        assert isinstance(storage, S3Storage)
        assert storage.bucket == s3_bucket
        assert storage.client.meta.endpoint_url == moto_server.endpoint_url
        assert storage.client.meta.region_name == REGION


def test_get_storage_picks_the_filesystem_by_default(fresh_storage: None, tmp_path: Path) -> None:
    with override_settings(STORAGE_BACKEND="filesystem", MEDIA_ROOT=tmp_path):
        storage = get_storage()
        assert isinstance(storage, FileSystemStorage)
        assert storage.root == tmp_path


def test_healthz_reports_s3_storage_ok(db: None, fresh_storage: None, moto_server: Moto, s3_bucket: str) -> None:
    with s3_settings(moto_server, s3_bucket):
        response = Client(HTTP_HOST="localhost").get("/healthz")
        storage = get_storage()
        assert isinstance(storage, S3Storage)
        assert not storage.exists("_health/probe")  # the probe writes nothing
    check = response.json()["checks"]["storage"]
    assert check["ok"] is True, check
    assert check["backend"] == "s3"


def test_healthz_reports_a_missing_bucket(db: None, fresh_storage: None, moto_server: Moto) -> None:
    with s3_settings(moto_server, "no-such-bucket-here"):
        response = Client(HTTP_HOST="localhost").get("/healthz")
    assert response.status_code == 503
    check = response.json()["checks"]["storage"]
    assert check["ok"] is False
    assert check["error"] == "StorageError"


def test_filesystem_ping_fails_when_the_root_is_not_writable(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    root.chmod(0o500)
    try:
        if os.access(root, os.W_OK):  # root ignores permission bits: use a file where a directory should be
            root.chmod(0o700)
            root.rmdir()
            root.write_bytes(b"not a directory")
        with pytest.raises(OSError):
            FileSystemStorage(root).ping()
    finally:
        if root.is_dir():
            root.chmod(0o700)
