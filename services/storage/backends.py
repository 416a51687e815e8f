"""The storage interface: the only code that touches stored files.

Keys are relative paths; each institution's objects live under its own prefix (its schema
name), so an export or a deletion takes exactly one prefix. The filesystem backend is the
default; the S3 backend (any S3 API through boto3, in services/storage/s3.py) is chosen by
S3_BUCKET. Both raise FileNotFoundError for a missing key and ValueError for an invalid one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, Protocol

from django.conf import settings


class Storage(Protocol):
    def save(self, key: str, content: IO[bytes]) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def exists(self, key: str) -> bool: ...
    def size(self, key: str) -> int: ...
    def delete(self, key: str) -> None: ...
    def list(self, prefix: str) -> Iterator[str]: ...
    def delete_prefix(self, prefix: str) -> int: ...
    def url(self, key: str, expires: int = 300, *, filename: str = "", content_type: str = "") -> str: ...
    def ping(self) -> None:
        """Raise if the store cannot be reached or written to; reads and writes nothing."""


def validate_key(key: str) -> str:
    path = PurePosixPath(key)
    if not key or path.is_absolute() or ".." in path.parts:
        raise ValueError(f"invalid storage key: {key!r}")
    return str(path)


class FileSystemStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def ping(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(f"storage root {self.root} is not writable")

    def save(self, key: str, content: IO[bytes]) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        with tmp.open("wb") as out:
            shutil.copyfileobj(content, out, 1024 * 1024)
        tmp.replace(path)  # readers never see a half-written file

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> Iterator[str]:
        base = self._path(prefix)
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.endswith(".part"):
                yield path.relative_to(self.root).as_posix()

    def delete_prefix(self, prefix: str) -> int:
        keys = list(self.list(prefix))
        for key in keys:
            self.delete(key)
        base = self._path(prefix)
        if base.is_dir():
            shutil.rmtree(base, ignore_errors=True)
        return len(keys)

    def url(self, key: str, expires: int = 300, *, filename: str = "", content_type: str = "") -> str:
        # Nothing serves MEDIA_ROOT directly (files may be private to an institution), so there is
        # no URL to hand out; callers stream through open() behind their own permission check.
        validate_key(key)
        raise NotImplementedError("the filesystem storage backend has no direct URLs; stream the file with open()")


@lru_cache(maxsize=1)
def get_storage() -> Storage:
    if settings.STORAGE_BACKEND == "filesystem":
        return FileSystemStorage(Path(settings.MEDIA_ROOT))
    if settings.STORAGE_BACKEND == "s3":
        from .s3 import S3Storage  # boto3 is imported only when the deployment uses S3

        return S3Storage(
            settings.S3_BUCKET,
            endpoint_url=settings.S3_ENDPOINT_URL or None,
            region=settings.S3_REGION or None,
            access_key_id=settings.S3_ACCESS_KEY_ID or None,
            secret_access_key=settings.S3_SECRET_ACCESS_KEY or None,
            public_endpoint_url=settings.S3_PUBLIC_ENDPOINT_URL or None,
        )
    raise ValueError(f"unknown storage backend {settings.STORAGE_BACKEND!r}")
