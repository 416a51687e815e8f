"""Small files of every kind, generated in code."""

from __future__ import annotations

import io
import zipfile


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "名单"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, text)
    pdf.save()
    return out.getvalue()


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


PE_EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode."
)
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MACHO_EXECUTABLE = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 200
SHELL_SCRIPT = b"#!/bin/sh\nrm -rf /\n"


def zip_with(parts: dict[str, bytes]) -> bytes:
    """A deflated zip archive of ``parts`` (name -> content)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx_bomb(inflated_bytes: int) -> bytes:
    """A small .docx whose word/document.xml inflates to about ``inflated_bytes``: a real Word
    document (python-docx's), its body padded with one paragraph of repeated text."""
    body = docx_bytes("炸弹")
    with zipfile.ZipFile(io.BytesIO(body)) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    head, tail = parts["word/document.xml"].split(b"</w:body>", 1)
    filler = b"<w:p><w:r><w:t>" + b"A" * max(0, inflated_bytes - len(head) - len(tail)) + b"</w:t></w:r></w:p>"
    parts["word/document.xml"] = head + filler + b"</w:body>" + tail
    return zip_with(parts)


def xlsx_with_shared_strings(inflated_bytes: int, *, string_length: int = 1000) -> bytes:
    """A one-sheet .xlsx whose sharedStrings.xml inflates to about ``inflated_bytes`` (distinct
    strings of ``string_length`` characters, as a crafted roster would carry)."""
    base = xlsx_bytes([["姓名", "支部"], ["张三", "第一党支部"]])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    count = max(1, inflated_bytes // (string_length + 20))
    strings = b"".join(
        b"<si><t>" + str(index).encode().rjust(string_length, b"x") + b"</t></si>" for index in range(count)
    )
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (count, count)
        + strings
        + b"</sst>"
    )
    if b"sharedStrings" not in parts["[Content_Types].xml"]:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
    return zip_with(parts)
