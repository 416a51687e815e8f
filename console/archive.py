"""Institution archives: one institution's schema (pg_dump of that schema alone; a
whole-database dump stops working beyond ~100k tables) plus its stored files, in one .tar.gz
that restores into this or a fresh deployment.

Layout: manifest.json, schema.dump (pg_dump custom format), files/<storage key>. Archives are kept
in storage under ``_archives/<code>/<code>-<time>.tar.gz``.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from services.storage.backends import get_storage
from tenants import citus
from tenants.models import Domain, Institution, institution_domain
from tenants.pgtools import pg_run
from tenants.routing import forget_institution

FORMAT_VERSION = 1
ARCHIVES = "_archives/"


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def export_institution(institution: Institution) -> str:
    storage = get_storage()
    prefix = f"{institution.schema_name}/"
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    key = f"{ARCHIVES}{institution.code}/{institution.code}-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "schema.dump"
        pg_run(
            "pg_dump",
            "--format=custom",
            f"--schema={institution.schema_name}",
            "--no-owner",
            "--no-privileges",
            f"--file={dump}",
        )
        manifest: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(),
            "institution": {
                "name": institution.name,
                "code": institution.code,
                "kind": institution.kind,
                "region": institution.region,
                "schema_name": institution.schema_name,
            },
            "domains": list(institution.domains.values_list("domain", flat=True)),
            "files": [],
        }
        bundle = Path(tmp) / "archive.tar.gz"
        with tarfile.open(bundle, "w:gz") as tar:
            tar.add(dump, arcname="schema.dump")
            for file_key in storage.list(prefix):
                info = tarfile.TarInfo(f"files/{file_key}")
                info.size = storage.size(file_key)
                with storage.open(file_key) as handle:  # streamed: files can be large
                    tar.addfile(info, handle)
                manifest["files"].append(file_key)
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        with bundle.open("rb") as handle:
            storage.save(key, handle)
    return key


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise ValidationError(_("归档文件缺少 manifest.json，不是本平台导出的学校归档。"))
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT_VERSION:
        raise ValidationError(_("不支持的归档格式版本：%(v)s") % {"v": manifest.get("format")})
    return manifest


def archive_list() -> list[tuple[str, str]]:
    """Every archive in storage as (key, institution code), by code, the newest of each first."""
    keys = [key for key in get_storage().list(ARCHIVES) if key.endswith(".tar.gz")]
    return sorted(((key, key.removeprefix(ARCHIVES).split("/", 1)[0]) for key in keys), reverse=True)


def restore_institution(archive_file: BinaryIO, *, expected_code: str | None = None) -> Institution:
    """Restore schema, files and registry rows. Refuses to overwrite an existing institution, and
    an archive of another institution than ``expected_code`` (the code an operator typed)."""
    storage = get_storage()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(fileobj=archive_file, mode="r:gz") as tar:
        manifest = read_manifest(tar)
        info = manifest["institution"]
        if expected_code is not None and info["code"] != expected_code:
            raise ValidationError({"confirmation": [_("确认内容与学校代码不一致，未恢复。")]})
        schema = info["schema_name"]
        if Institution.objects.filter(code=info["code"]).exists() or schema_exists(schema):
            raise ValidationError(_("学校“%(code)s”已存在，不能覆盖恢复。") % {"code": info["code"]})
        dump = Path(tmp) / "schema.dump"
        member = tar.extractfile("schema.dump")
        if member is None:
            raise ValidationError(_("归档文件缺少数据库转储。"))
        with dump.open("wb") as out:
            shutil.copyfileobj(member, out, 1024 * 1024)
        # One transaction: a failed restore leaves no half schema behind.
        pg_run(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={settings.DATABASES['default']['NAME']}",  # pg_restore needs it to restore at all
            str(dump),
        )
        try:
            if citus.enabled():
                # pg_restore made the schema on the coordinator; it joins the workers like the rest.
                citus.distribute_schema(schema)
            with schema_context("public"), transaction.atomic():
                institution = Institution.objects.create(
                    name=info["name"],
                    code=info["code"],
                    kind=info["kind"],
                    region=info.get("region", ""),
                    schema_name=schema,
                    status=Institution.Status.ACTIVE,
                )
                # This deployment's address for the code: the archive may come from another domain.
                Domain.objects.create(domain=institution_domain(info["code"]), tenant=institution, is_primary=True)
            for file_key in manifest["files"]:
                extracted = tar.extractfile(f"files/{file_key}")
                if extracted is not None:
                    storage.save(file_key, extracted)
        except Exception:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            raise
    # An archive made before later migrations is brought up to date.
    call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0, stdout=io.StringIO())
    forget_institution(institution)
    return institution
