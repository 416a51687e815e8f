"""The sweeper: objects under the public and every institution's documents prefix that no version
row references are reported, and removed with --delete; referenced, young and other capabilities'
objects are left alone."""

from __future__ import annotations

import io
import time
from datetime import timedelta

from django.core.management import call_command

from services.documents import services
from services.documents.models import Document
from services.storage.backends import get_storage
from services.storage.sweeper import sweep
from tenants.models import Institution
from tests.conftest import in_schema
from tests.documents.conftest import World

OLD = int(time.time()) - 7200


def _orphan(schema: str, name: str) -> str:
    key = f"{schema}/documents/999999/v1-{OLD}-{name}.txt"
    get_storage().save(key, io.BytesIO(b"orphan"))
    return key


def test_orphans_are_found_in_every_institution_and_the_public_prefix(
    inst_a: Institution, inst_b: Institution, world: World
) -> None:
    with in_schema(inst_a):
        document = services.document_create(
            acting_user=world.admin,
            kind=Document.Kind.STUDY,
            title="有主",
            upload=io.BytesIO(b"kept"),
            filename="k.txt",
        )
        referenced = document.current_version.storage_key  # type: ignore[union-attr]
    orphans = {_orphan(inst_a.schema_name, "a"), _orphan(inst_b.schema_name, "b"), _orphan("public", "p")}
    young = f"{inst_a.schema_name}/documents/999999/v1-{int(time.time())}-young.txt"
    get_storage().save(young, io.BytesIO(b"in flight"))
    foreign = f"{inst_a.schema_name}/imports/1/roster.xlsx"
    get_storage().save(foreign, io.BytesIO(b"not ours"))

    found = {orphan.key for orphan in sweep()}
    assert orphans <= found
    assert referenced not in found and young not in found and foreign not in found
    assert all(get_storage().exists(key) for key in orphans)  # a report changes nothing

    removed = {orphan.key for orphan in sweep(delete=True)}
    assert orphans <= removed
    assert not any(get_storage().exists(key) for key in orphans)
    assert get_storage().exists(referenced) and get_storage().exists(young) and get_storage().exists(foreign)


def test_the_command_reports_by_default_and_deletes_with_the_flag(inst_a: Institution) -> None:
    key = _orphan(inst_a.schema_name, "cmd")
    out = io.StringIO()
    call_command("storage_sweep", stdout=out)
    assert f"orphan\t{inst_a.schema_name}\t{key}" in out.getvalue() and get_storage().exists(key)
    out = io.StringIO()
    call_command("storage_sweep", "--delete", stdout=out)
    assert f"deleted\t{inst_a.schema_name}\t{key}" in out.getvalue() and not get_storage().exists(key)


def test_young_objects_are_swept_when_the_minimum_age_is_zero(inst_a: Institution) -> None:
    key = f"{inst_a.schema_name}/documents/1/v1-{int(time.time())}-x.txt"
    get_storage().save(key, io.BytesIO(b"x"))
    assert key in {orphan.key for orphan in sweep(min_age=timedelta(0))}
