"""QR codes for any capability: the modules of a code (zxing-cpp, a C++ encoder, about 0.2 ms a
code with the mask fixed) and the code drawn as a small SVG image for a page.

A fixed mask pattern instead of the encoder's choice among all eight: the choice (scoring each
candidate against the standard's penalty rules) is three quarters of zxing-cpp's time, and every
reader decodes every mask; the checkerboard pattern seldom makes the long runs the rules avoid.
"""

from __future__ import annotations

import base64
from typing import Any, cast

import zxingcpp

QR_MASK = 0
QUIET_ZONE = 4  # modules of light margin around an image (the standard's minimum)


def qr_matrix(text: str) -> tuple[int, bytes]:
    """The QR code of ``text`` (error correction M, no quiet zone): its width in modules and its
    modules row by row, one byte each (0 dark, 255 light)."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=QR_MASK)
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    return image.shape[1], bytes(memoryview(cast(Any, image)))  # the stubs miss its buffer protocol


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as an SVG document: one path of dark modules (each row's runs as
    rectangles), a quiet zone around it, scaled by the page."""
    width, modules = qr_matrix(text)
    runs: list[str] = []
    for row in range(width):
        line = modules[row * width : (row + 1) * width]
        column = 0
        while column < width:
            if line[column] == 0:
                start = column
                while column < width and line[column] == 0:
                    column += 1
                runs.append(f"M{start + QUIET_ZONE} {row + QUIET_ZONE}h{column - start}v1h-{column - start}z")
            else:
                column += 1
    size = width + 2 * QUIET_ZONE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def qr_data_uri(text: str) -> str:
    """``qr_svg`` as a data URI, for an ``<img>`` the page's script may swap (the CSP allows
    ``data:`` images, not inline SVG from a script)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text).encode("ascii")).decode("ascii")
