"""Finding stored objects that no database row references (orphans), and removing them.

Each capability that stores files registers an *owner*: the sub-prefix it writes under every
schema's prefix (``<schema>/<sub-prefix>/...``), a function that returns the keys the current
schema's rows reference, and how old a key is (objects younger than ``min_age`` may belong to an
upload whose transaction has not committed yet, so they are never reported). ``sweep`` walks the
public prefix and every institution's prefix, schema by schema. Only registered sub-prefixes
are looked at: files of a capability that did not register (roster imports, archives) are never
touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from .backends import get_storage


@dataclass(frozen=True)
class Owner:
    sub_prefix: str
    referenced_keys: Callable[[], set[str]]  # runs inside the schema being swept
    age_of: Callable[[str], timedelta | None]  # None = unknown (treated as old enough)


_OWNERS: dict[str, Owner] = {}


def register_owner(owner: Owner) -> None:
    _OWNERS[owner.sub_prefix] = owner


def owners() -> list[Owner]:
    return list(_OWNERS.values())


@dataclass(frozen=True)
class Orphan:
    schema: str
    key: str
    size: int


def _schemas() -> list[str]:
    from tenants.models import Institution

    public = get_public_schema_name()
    with schema_context(public):
        names = list(Institution.objects.order_by("schema_name").values_list("schema_name", flat=True))
    return [public, *names]


def find_orphans(*, min_age: timedelta = timedelta(hours=1), schemas: list[str] | None = None) -> Iterator[Orphan]:
    """Every unreferenced object under each schema's registered sub-prefixes. The listing is
    taken before the references are read, so an object that gains its row meanwhile is seen
    as referenced."""
    storage = get_storage()
    for schema in schemas if schemas is not None else _schemas():
        if schema != get_public_schema_name() and not schema_exists(schema):
            continue
        for owner in owners():
            keys = list(storage.list(f"{schema}/{owner.sub_prefix}"))
            if not keys:
                continue
            with schema_context(schema):
                referenced = owner.referenced_keys()
            for key in keys:
                if key in referenced:
                    continue
                age = owner.age_of(key)
                if age is not None and age < min_age:
                    continue
                try:
                    size = storage.size(key)
                except FileNotFoundError:
                    continue
                yield Orphan(schema=schema, key=key, size=size)


def sweep(*, delete: bool = False, min_age: timedelta = timedelta(hours=1)) -> list[Orphan]:
    """The orphans (removed with ``delete``)."""
    storage = get_storage()
    found = list(find_orphans(min_age=min_age))
    if delete:
        for orphan in found:
            storage.delete(orphan.key)
    return found
