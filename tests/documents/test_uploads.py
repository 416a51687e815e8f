"""Upload checks: the type comes from the content, executables and scripts are refused, the size
limit holds at exactly the limit, empty files are refused, the checksum is the file's SHA-256."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from pytest_django.fixtures import Settings

from services.storage.uploads import check_upload, safe_filename
from tests.documents.files import (
    ELF_EXECUTABLE,
    MACHO_EXECUTABLE,
    PE_EXECUTABLE,
    SHELL_SCRIPT,
    docx_bytes,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
    zip_bytes,
)


def _check(data: bytes, name: str) -> tuple[str, str, int, str]:
    checked = check_upload(io.BytesIO(data), filename=name)
    try:
        return checked.content_type, checked.filename, checked.size, checked.sha256
    finally:
        checked.close()


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(io.BytesIO(data), filename=name)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (pdf_bytes("hello"), "通知.pdf", "application/pdf"),
        (
            docx_bytes("学习要点"),
            "学习要点.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            xlsx_bytes([["姓名"], ["张三"]]),
            "名单.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("支部工作条例学习要点".encode(), "要点.txt", "text/plain"),
        ("\ufeff带BOM的文本".encode(), "bom.txt", "text/plain"),
        ("国标编码的会议纪要".encode("gb18030"), "纪要.txt", "text/plain"),
        (png_bytes(), "照片.png", "image/png"),
    ],
)
def test_allowed_types_are_recognised_from_their_content(data: bytes, name: str, content_type: str) -> None:
    assert _check(data, name)[0] == content_type


def test_the_name_does_not_decide_the_type_a_docx_without_extension_gets_one() -> None:
    content_type, filename, _, _ = _check(docx_bytes("无扩展名"), "会议材料")
    assert content_type.endswith("wordprocessingml.document")
    assert filename == "会议材料.docx"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PE_EXECUTABLE, "通知.pdf"),
        (PE_EXECUTABLE, "学习资料.docx"),
        (ELF_EXECUTABLE, "readme.txt"),
        (MACHO_EXECUTABLE, "photo.png"),
        (SHELL_SCRIPT, "notes.txt"),
    ],
)
def test_executables_and_scripts_are_refused_whatever_their_name(data: bytes, name: str) -> None:
    assert "可执行文件" in _refusal(data, name)


@pytest.mark.parametrize("name", ["setup.exe", "run.bat", "install.sh", "macro.vbs", "tool.PS1"])
def test_executable_names_are_refused_even_with_harmless_content(name: str) -> None:
    assert "可执行文件" in _refusal(b"just some text", name)


def test_a_text_file_named_pdf_is_refused_as_a_mismatch() -> None:
    message = _refusal("这其实是文本".encode(), "伪装.pdf")
    assert "纯文本" in message and ".pdf" in message


def test_an_arbitrary_zip_is_not_an_allowed_type() -> None:
    assert "不支持" in _refusal(zip_bytes(), "资料.zip")


def test_an_empty_file_is_refused() -> None:
    assert "空" in _refusal(b"", "空.txt")


def test_the_size_limit_holds_at_exactly_the_limit(settings: Settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    assert _check(b"a" * 1000, "exact.txt")[2] == 1000
    assert "大小上限" in _refusal(b"a" * 1001, "over.txt")


def test_the_checksum_is_the_sha256_of_the_content() -> None:
    data = docx_bytes("校验和")
    assert _check(data, "x.docx")[3] == hashlib.sha256(data).hexdigest()


def test_filenames_lose_their_directories_and_control_characters() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\a\\通知.pdf") == "通知.pdf"
    assert safe_filename("a\x00b.txt") == "ab.txt"
