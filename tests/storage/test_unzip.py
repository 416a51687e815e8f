"""The one check every reader of an uploaded zip archive runs first: the sizes its parts declare
(read from the central directory, nothing inflated) stay within the limits."""

from __future__ import annotations

import io
import zipfile

import pytest

from services.storage.unzip import ArchiveTooLarge, zip_inflation_check
from tests.documents.files import zip_with

MB = 1024 * 1024


def test_an_archive_within_the_limits_passes_and_a_stream_is_rewound() -> None:
    data = zip_with({"a.xml": b"a" * 1000, "b.xml": b"b" * 1000})
    zip_inflation_check(data, max_entry_bytes=2000, max_total_bytes=2000, max_entries=2)
    stream = io.BytesIO(data)
    zip_inflation_check(stream, max_entry_bytes=2000, max_total_bytes=2000, max_entries=2)
    assert stream.tell() == 0


def test_one_part_declaring_more_than_the_entry_limit_is_refused_in_chinese() -> None:
    data = zip_with({"word/document.xml": b"A" * (3 * MB)})
    assert len(data) < 100 * 1024  # a small file on disk
    with pytest.raises(ArchiveTooLarge) as refused:
        zip_inflation_check(data, max_entry_bytes=2 * MB, max_total_bytes=10 * MB)
    assert refused.value.part == "word/document.xml"
    assert "文件解压后过大" in refused.value.reason and "上限 2 MB" in refused.value.reason


def test_parts_declaring_more_than_the_total_limit_together_are_refused() -> None:
    data = zip_with({f"part{i}.xml": b"A" * MB for i in range(3)})
    zip_inflation_check(data, max_entry_bytes=2 * MB, max_total_bytes=3 * MB)
    with pytest.raises(ArchiveTooLarge, match="limit"):
        zip_inflation_check(data, max_entry_bytes=2 * MB, max_total_bytes=2 * MB + 1)


def test_too_many_parts_are_refused() -> None:
    data = zip_with({f"p{i}": b"" for i in range(11)})
    with pytest.raises(ArchiveTooLarge) as refused:
        zip_inflation_check(data, max_entries=10)
    assert "部件过多" in refused.value.reason


def test_the_defaults_come_from_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.UNZIP_MAX_ENTRY_BYTES = MB
    with pytest.raises(ArchiveTooLarge):
        zip_inflation_check(zip_with({"x.xml": b"A" * (MB + 1)}))


def test_a_file_that_is_not_a_zip_archive_raises_bad_zip_file() -> None:
    with pytest.raises(zipfile.BadZipFile):
        zip_inflation_check(b"not a zip at all")
