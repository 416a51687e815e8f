"""One behaviour, both backends: every test runs on the filesystem and on S3 (moto on loopback)."""

from __future__ import annotations

import io
import os

import pytest

from services.storage.backends import Storage

MIB = 1024 * 1024


def read(storage: Storage, key: str) -> bytes:
    with storage.open(key) as handle:
        return handle.read()


def test_saved_bytes_read_back_identical(storage: Storage) -> None:
    data = os.urandom(4096) + "党建云".encode()
    storage.save("alpha/docs/a.bin", io.BytesIO(data))
    assert read(storage, "alpha/docs/a.bin") == data


def test_a_file_larger_than_one_part_round_trips(storage: Storage) -> None:
    # > 8 MiB: on S3 this takes the multipart path (two parts).
    data = os.urandom(9 * MIB + 123)
    storage.save("alpha/big.bin", io.BytesIO(data))
    assert storage.size("alpha/big.bin") == len(data)
    assert read(storage, "alpha/big.bin") == data


def test_saving_again_replaces_the_content(storage: Storage) -> None:
    storage.save("alpha/a.txt", io.BytesIO(b"first"))
    storage.save("alpha/a.txt", io.BytesIO(b"second"))
    assert read(storage, "alpha/a.txt") == b"second"


def test_exists_and_size(storage: Storage) -> None:
    assert not storage.exists("alpha/a.txt")
    storage.save("alpha/a.txt", io.BytesIO(b"12345"))
    assert storage.exists("alpha/a.txt")
    assert storage.size("alpha/a.txt") == 5
    storage.save("alpha/empty", io.BytesIO(b""))
    assert storage.exists("alpha/empty") and storage.size("alpha/empty") == 0


def test_list_shows_only_the_institutions_own_prefix(storage: Storage) -> None:
    for key in ("alpha/a.txt", "alpha/sub/b.txt", "beta/c.txt", "alpha2/d.txt"):
        storage.save(key, io.BytesIO(key.encode()))
    assert sorted(storage.list("alpha")) == ["alpha/a.txt", "alpha/sub/b.txt"]
    assert sorted(storage.list("alpha/")) == ["alpha/a.txt", "alpha/sub/b.txt"]
    assert sorted(storage.list("beta/")) == ["beta/c.txt"]
    assert sorted(storage.list("alpha/sub")) == ["alpha/sub/b.txt"]
    assert list(storage.list("gamma/")) == []


def test_delete_removes_one_key_and_tolerates_a_missing_one(storage: Storage) -> None:
    storage.save("alpha/a.txt", io.BytesIO(b"a"))
    storage.save("alpha/b.txt", io.BytesIO(b"b"))
    storage.delete("alpha/a.txt")
    storage.delete("alpha/never-there.txt")
    assert not storage.exists("alpha/a.txt")
    assert storage.exists("alpha/b.txt")


def test_delete_prefix_removes_one_institution_only(storage: Storage) -> None:
    for key in ("alpha/a.txt", "alpha/sub/b.txt", "alpha/sub/deeper/c.txt", "beta/a.txt", "alpha2/a.txt"):
        storage.save(key, io.BytesIO(b"x"))
    assert storage.delete_prefix("alpha/") == 3
    assert list(storage.list("alpha/")) == []
    assert list(storage.list("beta/")) == ["beta/a.txt"]
    assert list(storage.list("alpha2/")) == ["alpha2/a.txt"]
    assert storage.delete_prefix("alpha/") == 0


def test_a_missing_key_raises_file_not_found(storage: Storage) -> None:
    with pytest.raises(FileNotFoundError):
        storage.open("alpha/missing.txt")
    with pytest.raises(FileNotFoundError):
        storage.size("alpha/missing.txt")


@pytest.mark.parametrize("key", ["../x", "alpha/../../x", "/abs", "/etc/passwd", ""])
def test_invalid_keys_are_rejected_by_every_operation(storage: Storage, key: str) -> None:
    with pytest.raises(ValueError, match="invalid storage key"):
        storage.save(key, io.BytesIO(b"x"))
    with pytest.raises(ValueError, match="invalid storage key"):
        storage.open(key)
    with pytest.raises(ValueError, match="invalid storage key"):
        storage.exists(key)
    with pytest.raises(ValueError, match="invalid storage key"):
        storage.delete(key)
    with pytest.raises(ValueError, match="invalid storage key"):
        list(storage.list(key))
    with pytest.raises(ValueError, match="invalid storage key"):
        storage.delete_prefix(key)
    with pytest.raises(ValueError, match="invalid storage key"):
        storage.url(key)


def test_ping_succeeds_on_a_reachable_store(storage: Storage) -> None:
    storage.save("inst_x/kept", io.BytesIO(b"kept"))
    storage.ping()
    assert read(storage, "inst_x/kept") == b"kept"
