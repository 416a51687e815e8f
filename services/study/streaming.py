"""Serving a stored file with HTTP range requests (RFC 9110 §14): a video or audio player asks for
the part it plays next and seeks without downloading the whole file. One range per request (what
players ask); several ranges, or one beyond the end, get 416 with the file's length."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from services.storage.backends import get_storage

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a ``Range`` header, both included; None if it cannot be served."""
    found = _RANGE.match(header.strip())
    if found is None or size == 0:
        return None
    first, last = found.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        return max(0, size - int(last)), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        return None
    return start, end


def _part(content: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        if hasattr(content, "seek") and content.seekable():
            content.seek(start)
        else:  # a stream that cannot seek: read past the start
            skip = start
            while skip > 0:
                skip -= len(content.read(min(CHUNK, skip))) or skip
        left = length
        while left > 0:
            chunk = content.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        content.close()


def _headers(response: HttpResponseBase) -> HttpResponseBase:
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; media-src 'self'"
    return response


def serve_stored(request: HttpRequest, *, key: str, filename: str, content_type: str, size: int) -> HttpResponseBase:
    """The file behind a permission check the caller made, whole or the range asked for."""
    storage = get_storage()
    if settings.STORAGE_BACKEND == "s3" and settings.S3_DOWNLOAD_REDIRECT:
        # The store answers ranges itself; the URL is good for a short while.
        url = storage.url(key, settings.S3_DOWNLOAD_URL_EXPIRES, filename=filename, content_type=content_type)
        return _headers(HttpResponseRedirect(url))
    asked = request.headers.get("Range", "")
    span = byte_range(asked, size) if asked else None
    if asked and span is None:
        refused = HttpResponse(_("请求的范围无效。"), status=416, content_type="text/plain; charset=utf-8")
        refused["Content-Range"] = f"bytes */{size}"
        return _headers(refused)
    try:
        content = storage.open(key)
    except FileNotFoundError as exc:
        raise Http404(_("文件在存储中不存在。")) from exc
    if span is None:
        whole = FileResponse(content, filename=filename, content_type=content_type)
        whole["Content-Length"] = str(size)
        return _headers(whole)
    start, end = span
    part = StreamingHttpResponse(_part(content, start, end - start + 1), status=206, content_type=content_type)
    part["Content-Range"] = f"bytes {start}-{end}/{size}"
    part["Content-Length"] = str(end - start + 1)
    return _headers(part)
