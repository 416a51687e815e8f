"""Writing many rows of a public figures table at once (the facts job's nightly run writes tens
of thousands): the rows are copied (COPY, CSV) into a temporary table shaped like the target and
merged from there in one ``INSERT … ON CONFLICT`` statement. No model instance per row, no
statement with a parameter per value to build and parse."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def copy_upsert(
    model: type[models.Model], *, columns: Sequence[str], keys: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (plain tuples in the order of ``columns``, database column names) into
    ``model``'s table, updating the other columns of a row whose ``keys`` (a unique constraint)
    exist already. Call it inside a transaction: the temporary table goes with the commit.

    CSV: the csv module quotes what needs quoting; None becomes an unquoted empty field, which
    COPY reads as NULL, so a text column must never hold an empty string (none of the figures'
    does: paths, kinds, metrics and periods)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = model._meta.db_table
    stage = quote(f"{table}_stage")
    names = ", ".join(quote(c) for c in columns)
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c not in keys)
    data = io.StringIO()
    csv.writer(data, lineterminator="\n").writerows(rows)
    data.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS SELECT {names} FROM {quote(table)} WITH NO DATA"
        )
        cursor.copy_expert(f"COPY {stage} ({names}) FROM STDIN WITH (FORMAT csv)", data)
        cursor.execute(
            f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM {stage} "
            f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}"
        )
        cursor.execute(f"DROP TABLE {stage}")
