"""A decompression bomb through a real worker: the peak memory of the process that handled it.

The reproduction of issue 9: a small .docx whose word/document.xml inflates to 546 MB (built
here on the fly, never committed) is uploaded as a document; a real Celery worker process
(solo pool: the process that runs the task is the worker itself) extracts its text. Before
the unzip limits it grew past 11 GB; now it is refused from the archive's directory. The figure
is the worker's peak resident size (VmHWM) after handling the bomb; its companion is the same
worker's peak after a small ordinary document just before (both after the search indexing the
extraction queues), for comparison.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.services import institution_create
from services.accounts.models import User
from services.documents import services
from services.documents.models import Document, DocumentVersion
from services.storage.backends import get_storage

FIGURES = ("extract_bomb_peak_rss_mb", "extract_worker_baseline_rss_mb")
ROOT = Path(__file__).resolve().parents[1]
INFLATED = 546 * 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb(inflated: int = INFLATED) -> bytes:
    """A valid-looking .docx whose document part inflates to ``inflated`` bytes, written in
    chunks (never held in memory whole)."""
    paragraph = "<w:p><w:r><w:t>加强党的建设，推进全面从严治党。</w:t></w:r></w:p>".encode()
    block = paragraph * (64 * 1024 // len(paragraph))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode())
            written = 0
            while written < inflated:
                part.write(block)
                written += len(block)
            part.write(b"</w:body></w:document>")
    return out.getvalue()


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc (Linux only)")


def _worker(queue: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]))
    args = [sys.executable, "-m", "celery", "-A", "partycloud", "worker", "--pool=solo", "--queues", queue]
    extra = ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"]
    return subprocess.Popen([*args, *extra], env=env, cwd=ROOT)


def _extracted(schema: str, admin: User, data: bytes, filename: str, *, timeout: float = 600) -> DocumentVersion:
    """Upload (the extraction is queued after the commit) and wait for the worker's outcome."""
    with schema_context(schema):
        document = services.document_create(
            acting_user=admin, kind=Document.Kind.STUDY, title=filename, upload=io.BytesIO(data), filename=filename
        )
        version_id = document.current_version_id
        assert version_id is not None
        deadline = time.monotonic() + timeout
        while True:
            version = DocumentVersion.objects.get(pk=version_id)
            if version.extraction_status != DocumentVersion.Extraction.PENDING:
                return version
            if time.monotonic() > deadline:
                raise RuntimeError(f"{filename}: the worker did not extract it within {timeout:.0f}s")
            time.sleep(0.2)


def _drained(schema: str, timeout: float = 300) -> None:
    """Wait for the search indexing each extraction queues (the worker loads the segmenter's
    dictionary for it): both figures are read with the worker in the same state."""
    from services.search.models import SearchOutbox

    deadline = time.monotonic() + timeout
    with schema_context(schema):
        while SearchOutbox.objects.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not drain the search outbox")
            time.sleep(0.2)


def run() -> list[Figure]:
    from partycloud.celery import app

    bomb = docx_bomb()
    with cleanup("bext"):
        institution, _ = institution_create(code="bext1", name="基准提取学校", admin_password="Bench-pass-2026!")
        schema = institution.schema_name
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        previous, app.conf.task_default_queue = app.conf.task_default_queue, queue
        worker = _worker(queue)
        try:
            with schema_context(schema):
                admin = User.objects.get(username="admin")
            small = _extracted(schema, admin, "主题党日活动安排".encode(), "安排.txt")
            if small.extraction_status != DocumentVersion.Extraction.DONE:
                raise RuntimeError(f"the ordinary document was not extracted: {small.extraction_error}")
            _drained(schema)
            baseline = _peak_rss_mb(worker.pid)
            version = _extracted(schema, admin, bomb, "炸弹.docx")
            if "解压后过大" not in version.extraction_error:
                raise RuntimeError(f"the bomb was not refused: {version.extraction_status} {version.extraction_error}")
            _drained(schema)
            peak = _peak_rss_mb(worker.pid)
        finally:
            app.conf.task_default_queue = previous
            worker.terminate()
            worker.wait(timeout=60)
            get_storage().delete_prefix(f"{schema}/")
    print(f"# bomb: {len(bomb) / 1024 / 1024:.1f} MB .docx, word/document.xml {INFLATED // 1024 // 1024} MB inflated")
    return [("extract_bomb_peak_rss_mb", peak, "MB"), ("extract_worker_baseline_rss_mb", baseline, "MB")]
