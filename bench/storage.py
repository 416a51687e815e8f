"""S3 backend throughput: a 64 MiB object uploaded (multipart, 8 MiB parts, SHA-256 per part) and
downloaded through S3Storage against moto's server on loopback. This measures the backend's
streaming path and boto3's overhead on this machine, not a real object store's network."""

from __future__ import annotations

import io
import logging
import os
import time
import uuid

import boto3
from moto.server import ThreadedMotoServer

from bench.common import Figure
from services.storage.s3 import PART_SIZE, S3Storage

FIGURES = ("s3_upload_mb_per_s", "s3_download_mb_per_s")
SIZE = 64 * 1024 * 1024
ROUNDS = 3  # the best round: the least disturbed by whatever else the machine is doing
CREDENTIALS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}


def run() -> list[Figure]:
    # The server's werkzeug access log would print a line per part among the figures.
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        bucket = f"bench-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS).create_bucket(Bucket=bucket)
        storage = S3Storage(
            bucket,
            endpoint_url=endpoint,
            region="us-east-1",
            access_key_id=CREDENTIALS["aws_access_key_id"],
            secret_access_key=CREDENTIALS["aws_secret_access_key"],
            part_size=PART_SIZE,
        )
        data = os.urandom(SIZE)
        upload = download = float("inf")
        for round_ in range(ROUNDS):
            key = f"bench/{round_}.bin"
            started = time.perf_counter()
            storage.save(key, io.BytesIO(data))
            upload = min(upload, time.perf_counter() - started)
            started = time.perf_counter()
            received = 0
            with storage.open(key) as handle:
                while chunk := handle.read(1024 * 1024):
                    received += len(chunk)
            download = min(download, time.perf_counter() - started)
            assert received == SIZE, received
        storage.delete_prefix("bench/")
    finally:
        server.stop()
        werkzeug_log.setLevel(level)
    mb = SIZE / 1_000_000
    return [("s3_upload_mb_per_s", mb / upload, "MB/s"), ("s3_download_mb_per_s", mb / download, "MB/s")]
