"""The S3 storage backend: one bucket per deployment, any S3 API (AWS, MinIO, OSS, moto) through
boto3. The only module that imports boto3.

Keys are used as given: the institution's prefix is already part of every key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any, BinaryIO, NoReturn, cast

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from django.utils.http import content_disposition_header

from .backends import validate_key

MIB = 1024 * 1024
PART_SIZE = 8 * MIB
# S3 caps a listing page and a delete_objects request at 1000 keys each.
BATCH = 1000
# SigV4 presigned URLs are valid for at most 7 days.
MAX_URL_EXPIRES = 7 * 24 * 3600
MISSING_KEY_CODES = {"404", "NoSuchKey", "NotFound"}


class StorageError(RuntimeError):
    """The object store refused or failed an operation (no such bucket, access denied, ...)."""


def _directory(prefix: str) -> str:
    # A prefix names a directory, as on the filesystem: "alpha" must not also list "alphabet/...".
    return validate_key(prefix) + "/"


class S3Storage:
    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        public_endpoint_url: str | None = None,
        part_size: int = PART_SIZE,
        batch: int = BATCH,
    ) -> None:
        if not bucket:
            raise ValueError("S3Storage needs a bucket name (S3_BUCKET)")
        self.bucket = bucket
        self.batch = batch

        # Without explicit keys boto3 falls back to its own chain (environment, instance role).
        def client(endpoint: str | None) -> Any:
            return boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name=region,
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                config=Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"}),
            )

        self.client: Any = client(endpoint_url)
        # A presigned URL signs its host: when browsers reach the store by another address than
        # this server does (an internal MinIO name), URLs are signed for the public one.
        self.url_client: Any = client(public_endpoint_url) if public_endpoint_url else self.client
        self.transfer = TransferConfig(multipart_threshold=part_size, multipart_chunksize=part_size)

    def _fail(self, exc: ClientError, key: str) -> NoReturn:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code == "NoSuchBucket":
            raise StorageError(f"S3 bucket {self.bucket!r} does not exist") from exc
        if code in MISSING_KEY_CODES:
            raise FileNotFoundError(f"no stored object {key!r} in bucket {self.bucket!r}") from exc
        raise StorageError(f"S3 {code or 'error'} on {key!r} in bucket {self.bucket!r}: {exc}") from exc

    def save(self, key: str, content: IO[bytes]) -> None:
        key = validate_key(key)
        try:
            # Streams: parts of part_size are read and sent one by one, never the whole file in memory.
            # S3 verifies each part's SHA-256 on arrival and keeps the checksum with the object.
            self.client.upload_fileobj(
                content, self.bucket, key, ExtraArgs={"ChecksumAlgorithm": "SHA256"}, Config=self.transfer
            )
        except ClientError as exc:
            self._fail(exc, key)
        except Exception as exc:  # s3transfer wraps some client errors in its own exceptions
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, ClientError):
                self._fail(cause, key)
            raise

    def open(self, key: str) -> BinaryIO:
        key = validate_key(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            self._fail(exc, key)
        # botocore's StreamingBody is an io.IOBase: read(), iteration and `with` all work.
        return cast(BinaryIO, response["Body"])

    def _head(self, key: str) -> dict[str, Any]:
        try:
            return cast(dict[str, Any], self.client.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED"))
        except ClientError as exc:
            self._fail(exc, key)

    def ping(self) -> None:
        """One HEAD on the bucket: reachable, credentials valid, bucket present."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchBucket"):
                raise StorageError(f"S3 bucket {self.bucket!r} does not exist") from exc
            raise StorageError(f"S3 {code or 'error'} on bucket {self.bucket!r}: {exc}") from exc

    def exists(self, key: str) -> bool:
        try:
            self._head(validate_key(key))
        except FileNotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(validate_key(key))["ContentLength"])

    def checksum(self, key: str) -> str | None:
        """The SHA-256 checksum S3 keeps for the object, base64 as S3 gives it. For a multipart
        upload it is the checksum of the parts' checksums (AWS appends "-<parts>")."""
        value = self._head(validate_key(key)).get("ChecksumSHA256")
        return str(value) if value else None

    def delete(self, key: str) -> None:
        key = validate_key(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            self._fail(exc, key)

    def _pages(self, prefix: str) -> Iterator[list[str]]:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=self.bucket, Prefix=_directory(prefix), PaginationConfig={"PageSize": self.batch}
        )
        try:
            for page in pages:
                yield [str(item["Key"]) for item in page.get("Contents", [])]
        except ClientError as exc:
            self._fail(exc, prefix)

    def list(self, prefix: str) -> Iterator[str]:
        for keys in self._pages(prefix):
            yield from keys

    def delete_prefix(self, prefix: str) -> int:
        deleted = 0
        # Each listed page is deleted before the next is fetched; the listing continues after the
        # last key it returned, so removing what it already returned does not skip anything.
        for keys in self._pages(prefix):
            for start in range(0, len(keys), self.batch):
                chunk = keys[start : start + self.batch]
                try:
                    response = self.client.delete_objects(
                        Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True}
                    )
                except ClientError as exc:
                    self._fail(exc, prefix)
                errors = response.get("Errors") or []
                if errors:
                    first = errors[0]
                    raise StorageError(
                        f"S3 could not delete {len(errors)} object(s) under {prefix!r}, "
                        f"e.g. {first.get('Key')!r}: {first.get('Code')}"
                    )
                deleted += len(chunk)
        return deleted

    def url(self, key: str, expires: int = 300, *, filename: str = "", content_type: str = "") -> str:
        """A presigned GET URL, valid for ``expires`` seconds: hand it to a browser that has already
        passed a permission check, so the download does not go through the application. With
        ``filename`` the response is a download under that name (any characters, RFC 6266), with
        ``content_type`` it is served as that type."""
        key = validate_key(key)
        if not 1 <= expires <= MAX_URL_EXPIRES:
            raise ValueError(f"expires must be between 1 and {MAX_URL_EXPIRES} seconds, not {expires}")
        params = {"Bucket": self.bucket, "Key": key}
        if filename:
            params["ResponseContentDisposition"] = content_disposition_header(True, filename) or "attachment"
        if content_type:
            params["ResponseContentType"] = content_type
        return str(self.url_client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires))
