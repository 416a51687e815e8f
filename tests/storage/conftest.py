"""Storage fixtures: a real S3 API (moto's server mode on loopback, one per xdist worker) and a
``storage`` fixture that runs each conformance test against both backends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from services.storage.backends import FileSystemStorage, Storage
from services.storage.s3 import S3Storage

# moto accepts any credentials; explicit ones keep the machine's own AWS settings out of the tests.
ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"


@dataclass(frozen=True)
class Moto:
    endpoint_url: str

    def create_bucket(self) -> str:
        # A bucket per test: the server outlives the tests, their objects must not meet.
        name = f"test-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def client(self) -> Any:  # an S3 client for setup and inspection, outside the backend
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def storage(self, bucket: str, **options: int) -> S3Storage:
        return S3Storage(
            bucket,
            endpoint_url=self.endpoint_url,
            region=REGION,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
            **options,
        )


@pytest.fixture(scope="session")
def moto_server() -> Iterator[Moto]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)  # port 0: a free one
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield Moto(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(moto_server: Moto) -> str:
    return moto_server.create_bucket()


@pytest.fixture(params=["filesystem", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "filesystem":
        return FileSystemStorage(tmp_path / "media")
    moto: Moto = request.getfixturevalue("moto_server")
    return moto.storage(moto.create_bucket())
