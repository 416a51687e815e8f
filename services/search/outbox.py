"""The indexing outbox: writers queue (re)indexing in their own transaction.

``index_later`` / ``index_later_many`` add ``SearchOutbox`` rows in the caller's transaction, in
the schema the caller writes in, so an update is queued exactly when the change commits and never
otherwise. After the commit a drain task is kicked (``transaction.on_commit``, through
tenants/queueing.py: never waiting on the broker); if the broker is down the kick is dropped but
the rows are not: beat drains every schema every minute.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from tenants.db import connection
from tenants.queueing import publish

from .models import SearchOutbox

logger = logging.getLogger(__name__)


def index_later(*, kind: str, object_id: int) -> None:
    """Queue ``kind``/``object_id`` for (re)indexing in the caller's transaction."""
    index_later_many(kind=kind, object_ids=[object_id])


def index_later_many(*, kind: str, object_ids: Iterable[int]) -> int:
    """Queue many objects of one kind (bulk writers: imports, moves); one kick after commit."""
    ids = [int(object_id) for object_id in dict.fromkeys(object_ids)]
    if not ids:
        return 0
    # One statement whatever the count (a 20,000-row import queues 20,000 rows in milliseconds).
    table = connection.ops.quote_name(SearchOutbox._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, object_id, created_at, attempts, last_error, next_attempt_at) "
            "SELECT %s, id, now(), 0, '', now() FROM unnest(%s::bigint[]) AS id",
            [kind, ids],
        )
    schema = connection.schema_name
    transaction.on_commit(lambda: kick(schema))
    return len(ids)


def index_subtree_later(*, path_prefix: str) -> int:
    """Queue every indexed object whose visibility lies under the org subtree ``path_prefix``:
    its entries carry the old paths after a move or a merge (services/organization calls this
    inside the same transaction)."""
    from .contract import provider_ids_under, providers

    queued = 0
    for kind in providers():
        ids_under = provider_ids_under(kind)
        if ids_under is not None:
            queued += index_later_many(kind=kind, object_ids=ids_under(path_prefix))
    return queued


def kick(schema: str) -> None:
    """Ask a worker to drain ``schema``'s outbox now. Best effort: beat catches up."""
    from django.conf import settings

    from .tasks import drain_outbox, drain_public_outbox

    if settings.CELERY_TASK_ALWAYS_EAGER:
        # An eager @institution_task ends by switching the connection to public, under the
        # caller's feet (e.g. in the middle of seeding an institution): drain inline instead.
        from django_tenants.utils import schema_context

        from .indexing import outbox_drain

        with schema_context(schema):
            outbox_drain()
        return
    # Never waits on the broker; a dropped kick leaves the rows for beat's next round.
    if schema == "public":
        publish(drain_public_outbox)
    else:
        publish(drain_outbox, (schema,))
