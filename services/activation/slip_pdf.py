"""Activation slips as a printable A4 PDF: ten slips a page (two columns of five), dashed cut
lines between them, one slip per person.

A slip carries the institution's name, the person's name and branch, their username, the
one-time code (printed in two groups), the expiry date, short instructions and a QR code of the
activation link (``slip_link``). Text is drawn in reportlab's built-in CID font STSong-Light (no
font file to ship; Chinese readers supply the glyphs).

Speed (20,000 slips are one college's first week): the QR codes are encoded by zxing-cpp (a C++
encoder, about 0.5 ms a code; the pure-Python encoders measured 8–80 ms a code: reportlab's
own widget about 80 ms, the ``qrcode`` package 65 ms choosing its mask and 8 ms with a fixed
one; zxing-cpp itself 0.18 ms with the mask fixed, services/kernel/qr.py) and drawn as a small 1-bit inline
image instead of hundreds of rectangles each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO

from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from services.kernel.qr import qr_matrix

FONT = "STSong-Light"
CODE_FONT = "Courier-Bold"
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 8 * mm
SLIP_WIDTH = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
SLIP_HEIGHT = (PAGE_HEIGHT - 2 * MARGIN) / ROWS
QR_SIZE = 30 * mm
PAD = 4 * mm
_registered = False


@dataclass(frozen=True)
class Slip:
    """What one slip shows. ``code`` is the code as issued (``K7M2Q-XW9PD``)."""

    name: str
    branch: str
    username: str
    code: str
    link: str


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


_BITS = bytes.maketrans(bytes([0, 255]), b"01")


def qr_bits(width: int, modules: bytes) -> bytes:
    """``qr_matrix``'s modules one bit each (0 dark, 1 light), each row padded to a whole byte:
    a 1-bit grey image's samples."""
    pad = b"1" * (-width % 8)
    digits = modules.translate(_BITS)
    rows = b"".join(digits[start : start + width] + pad for start in range(0, len(digits), width))
    return int(rows, 2).to_bytes(len(rows) // 8, "big")


def _qr_operators(text: str, x: float, y: float, size: float) -> str:
    """PDF operators painting the QR code of ``text`` as a 1-bit grey inline image (0 dark,
    1 light; hex-encoded, the page's Flate compression folds the rest) at ``x``, ``y``, ``size``
    points wide."""
    width, modules = qr_matrix(text)
    return (
        f"q {size:.2f} 0 0 {size:.2f} {x:.2f} {y:.2f} cm "
        f"BI /W {width} /H {width} /BPC 1 /CS /G /F /AHx ID {qr_bits(width, modules).hex()}> EI Q"
    )


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cid(text: str) -> str:
    """``text`` as a PDF hex string for the CID font (UCS-2, big-endian; a character outside
    the basic plane, which UCS-2 cannot carry, prints as a question mark)."""
    return "<" + "".join(ch if ord(ch) < 0x10000 else "?" for ch in text).encode("utf-16-be").hex() + ">"


def _ascii(text: str) -> str:
    return "<" + text.encode("ascii", "replace").hex() + ">"


def _cut_lines_operators() -> str:
    """The dashed cut lines between the slips, the same on every page: written once as operators
    (reportlab's drawing calls format each number in Python, a tenth of a run's time)."""
    lines = [
        (MARGIN + column * SLIP_WIDTH, MARGIN, MARGIN + column * SLIP_WIDTH, PAGE_HEIGHT - MARGIN)
        for column in range(COLUMNS + 1)
    ] + [
        (MARGIN, MARGIN + row * SLIP_HEIGHT, PAGE_WIDTH - MARGIN, MARGIN + row * SLIP_HEIGHT) for row in range(ROWS + 1)
    ]
    paths = " ".join(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S" for x1, y1, x2, y2 in lines)
    return f"q [3 3] 0 d 0.3 w 0.6 G {paths} Q"


@dataclass(frozen=True)
class _Texts:
    """The slip's fixed words, read once per PDF in the issuer's language and encoded for the
    content stream: each slip adds only its own name, branch, username, code and QR code."""

    title: str
    name: str
    branch: str
    username: str
    code: str
    tail: str  # expiry, the three steps and the address


def _texts(*, institution: str, expires: date, address: str) -> _Texts:
    steps = (
        _("有效期至 %(date)s，仅可使用一次。") % {"date": expires.isoformat()},
        _("1. 用手机扫描右侧二维码，或打开下方网址；"),
        _("2. 输入用户名和激活码；"),
        _("3. 设置自己的密码。请勿转交他人。"),
    )
    tail = " ".join(f"{_cid(step)} Tj 0 -10 Td" for step in steps) + f" {_cid(address)} Tj"
    return _Texts(
        title=_cid(_fit(_("%(institution)s · 账号激活单") % {"institution": institution}, 26)),
        name=_cid(_("姓名：")),
        branch=_cid(_("支部：")),
        username=_cid(_("用户名：")),
        code=_cid(_("激活码：")),
        tail=tail,
    )


def _slip_operators(slip: Slip, texts: _Texts, index: int, fonts: tuple[str, str]) -> str:
    """The content-stream operators of one slip at position ``index`` of its page."""
    text_font, code_font = fonts
    column, row = index % COLUMNS, ROWS - 1 - index // COLUMNS
    left = MARGIN + column * SLIP_WIDTH + PAD
    top = MARGIN + (row + 1) * SLIP_HEIGHT - PAD
    qr_left = MARGIN + (column + 1) * SLIP_WIDTH - PAD - QR_SIZE
    return (
        f"BT {text_font} 10 Tf 1 0 0 1 {left:.2f} {top - 10:.2f} Tm {texts.title} Tj"
        f" {text_font} 9 Tf 0 -15 Td {texts.name} Tj {_cid(_fit(slip.name, 14))} Tj"
        f" 0 -13 Td {texts.branch} Tj {_cid(_fit(slip.branch, 14))} Tj"
        f" 0 -13 Td {texts.username} Tj {_cid(slip.username)} Tj"
        f" 0 -16 Td {texts.code} Tj {code_font} 13 Tf {_ascii(slip.code)} Tj"
        f" {text_font} 7.5 Tf 0 -14 Td {texts.tail} ET\n"
        + _qr_operators(slip.link, qr_left, top - 4 - QR_SIZE, QR_SIZE)
    )


def slips_pdf(
    *,
    slips: Iterable[Slip],
    institution: str,
    expires: date,
    address: str,
    out: IO[bytes],
    total: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the slips to ``out`` as one PDF; returns how many. ``address`` is the activation
    page's address printed under the steps (for those who type it); ``progress(done, total)`` is
    called every 500 slips."""
    _font()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("账号激活单"))
    pdf.setAuthor(institution)
    fonts = (pdf._doc.getInternalFontName(FONT), pdf._doc.getInternalFontName(CODE_FONT))
    texts = _texts(institution=institution, expires=expires, address=address)
    cut_lines = _cut_lines_operators()
    count = 0
    for count, slip in enumerate(slips, start=1):
        index = (count - 1) % PER_PAGE
        if index == 0 and count > 1:
            pdf.showPage()
        if index == 0:
            pdf._code.append(cut_lines)
        pdf._code.append(_slip_operators(slip, texts, index, fonts))
        if progress is not None and count % 500 == 0:
            progress(count, total)
    if count == 0:
        pdf._code.append(cut_lines)
    pdf.showPage()
    # ASCII85 on top of Flate only makes the file a quarter larger, and reportlab's pure-Python
    # encoder was a third of the time: binary streams, as every PDF reader accepts.
    previous, rl_config.useA85 = rl_config.useA85, 0
    try:
        pdf.save()
    finally:
        rl_config.useA85 = previous
    return count
