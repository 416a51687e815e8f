"""Reading activation slips back out of their PDF: each slip's QR code decoded from the page's
inline image (zxing-cpp reads it as a phone would), and the text the page draws."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import zxingcpp
from PIL import Image, ImageOps
from pypdf import PdfReader

_INLINE = re.compile(rb"BI /W (\d+) /H (\d+) /BPC 1 /CS /G /F /AHx ID ([0-9a-f]+)> EI")


def page_streams(pdf: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages]  # type: ignore[union-attr]


def qr_links(pdf: bytes) -> list[str]:
    """The text of every QR code in the PDF, in order."""
    links = []
    for stream in page_streams(pdf):
        for width, height, data in _INLINE.findall(stream):
            image = Image.frombytes("1", (int(width), int(height)), bytes.fromhex(data.decode())).convert("L")
            image = ImageOps.expand(image.resize((int(width) * 4, int(height) * 4), Image.NEAREST), border=16, fill=255)
            found = zxingcpp.read_barcode(image)
            assert found is not None, "a QR code on the page does not decode"
            links.append(found.text)
    return links


def link_parts(link: str) -> tuple[str, str, str]:
    """(path, username, code) of an activation link."""
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    return parts.path, query["u"][0], query["c"][0]


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as a PDF reader extracts it (the CID font's text included)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def cid(text: str) -> bytes:
    """How the page writes ``text`` in the CID font (UCS-2 hex)."""
    return ("<" + text.encode("utf-16-be").hex() + ">").encode()
