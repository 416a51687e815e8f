"""What study accepts as a file: a material's document (the storage layer's usual check), its audio
or video (sniffed from the content: MP4, WebM, MP3, M4A, Ogg, WAV), and a training certificate (a
PDF or a photo, at most ``CERTIFICATE_MAX_BYTES``). The name never decides the type."""

from __future__ import annotations

import hashlib
import tempfile
from typing import IO

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from services.storage.uploads import (
    JPEG,
    PDF,
    PNG,
    SNIFF_BYTES,
    CheckedUpload,
    check_upload,
    human_size,
    max_upload_bytes,
    safe_filename,
)

from .models import Material

MEDIA_TYPES: dict[str, tuple[str, str]] = {  # content type → (kind, extension)
    "video/mp4": (Material.Kind.VIDEO, ".mp4"),
    "video/webm": (Material.Kind.VIDEO, ".webm"),
    "audio/mpeg": (Material.Kind.AUDIO, ".mp3"),
    "audio/mp4": (Material.Kind.AUDIO, ".m4a"),
    "audio/ogg": (Material.Kind.AUDIO, ".ogg"),
    "audio/x-wav": (Material.Kind.AUDIO, ".wav"),
}
CERTIFICATE_TYPES = (PDF.content_type, JPEG.content_type, PNG.content_type)
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024


def _spool(stream: IO[bytes], *, limit: int) -> tuple[IO[bytes], int, str]:
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise ValidationError(_("文件超过大小上限 %(limit)s。") % {"limit": human_size(limit)})
            digest.update(chunk)
            out.write(chunk)
        if size == 0:
            raise ValidationError(_("文件是空的，请重新选择文件。"))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, size, digest.hexdigest()


def _media_type(file: IO[bytes]) -> str:
    kind = filetype.guess(file.read(SNIFF_BYTES))
    file.seek(0)
    mime = kind.mime if kind is not None else ""
    return {"audio/m4a": "audio/mp4", "video/quicktime": "video/mp4"}.get(mime, mime)


def check_material_file(stream: IO[bytes], *, filename: str, kind: str) -> CheckedUpload:
    """A material's file, of the ``kind`` it is said to be; a ValidationError in Chinese otherwise."""
    if kind == Material.Kind.DOCUMENT:
        return check_upload(stream, filename=filename)
    out, size, sha256 = _spool(stream, limit=max_upload_bytes())
    content_type = _media_type(out)
    actual = MEDIA_TYPES.get(content_type)
    if actual is None or actual[0] != kind:
        out.close()
        wanted = _("视频（MP4、WebM）") if kind == Material.Kind.VIDEO else _("音频（MP3、M4A、Ogg、WAV）")
        raise ValidationError(_("文件内容不是%(wanted)s，请检查文件。") % {"wanted": wanted})
    name = safe_filename(filename)
    if not name.lower().endswith(actual[1]):
        name = f"{name.rsplit('.', 1)[0][:190]}{actual[1]}"
    return CheckedUpload(file=out, filename=name, content_type=content_type, size=size, sha256=sha256)


def check_certificate(stream: IO[bytes], *, filename: str) -> CheckedUpload:
    """A training certificate: a PDF, JPEG or PNG of at most 10 MB."""
    checked = check_upload(stream, filename=filename)
    if checked.size > CERTIFICATE_MAX_BYTES:
        checked.close()
        raise ValidationError(
            _("结业证书不能超过 %(limit)s，请压缩后再上传。") % {"limit": human_size(CERTIFICATE_MAX_BYTES)}
        )
    if checked.content_type not in CERTIFICATE_TYPES:
        checked.close()
        raise ValidationError(_("结业证书只能是 PDF 文件或 JPG、PNG 图片。"))
    return checked
