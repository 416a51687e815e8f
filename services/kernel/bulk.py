"""Inserting many rows in one statement without a model instance each: the columns that vary are
sent as one array each and unnested in SQL, the rest once. For batch work of tens of thousands
of rows (accounts, slip codes, their audit rows), where ``bulk_create`` spends most of its time
building and compiling an instance per row. Fields not named take their model default; no
signals are sent (as with ``bulk_create``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models.expressions import DatabaseDefault


def _constant(field: models.Field[Any, Any], value: Any) -> Any:
    if isinstance(field, models.JSONField):
        return None if value is None else json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection)


def _placeholder(field: models.Field[Any, Any]) -> str:
    return "%s::jsonb" if isinstance(field, models.JSONField) else "%s"


def insert_many(
    model: type[models.Model],
    *,
    constants: dict[str, Any],
    columns: dict[str, Sequence[Any]],
    returning: Sequence[str] = (),
    conflict_ignore: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``len`` of ``columns``' sequences rows of ``model``: each field in ``columns`` takes
    its sequence's values in order (JSON fields take Python values), each in ``constants`` its
    value for every row, every other concrete field but an automatic key its default. Returns
    the ``returning`` columns of each row, in the order given. With ``conflict_ignore`` (the
    fields of a unique constraint) a row that would break it is skipped (``ON CONFLICT DO
    NOTHING``) and not returned."""
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1:
        raise ValueError("every column needs one value per row")
    if not lengths.pop():
        return []
    meta, quote = model._meta, connection.ops.quote_name
    fields = {f.name: f for f in meta.concrete_fields}
    blank = model()
    values = dict(constants)
    for field in meta.concrete_fields:
        if field.name in columns or field.name in values or isinstance(field, models.AutoField):
            continue
        default = field.pre_save(blank, add=True) if getattr(field, "auto_now_add", False) else field.get_default()
        if not isinstance(default, DatabaseDefault):  # else the database's own default applies
            values[field.name] = default
    names = list(values) + list(columns)
    arrays, selects, params = [], [], []
    for name in values:
        selects.append(_placeholder(fields[name]))
        params.append(_constant(fields[name], values[name]))
    for index, name in enumerate(columns):
        field = fields[name]
        db_type = "text" if isinstance(field, models.JSONField) else field.db_type(connection)
        arrays.append(f"%s::{db_type}[]")
        cast = "::jsonb" if isinstance(field, models.JSONField) else ""
        selects.append(f"v.c{index}{cast}")
        if isinstance(field, models.JSONField):
            params.append([json.dumps(v, cls=field.encoder) for v in columns[name]])
        else:
            params.append(list(columns[name]))
    aliases = ", ".join(f"c{i}" for i in range(len(columns)))
    column = {name: str(fields[name].column) for name in [*names, *returning]}
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(column[n]) for n in names)})"
        f" SELECT {', '.join(selects)} FROM unnest({', '.join(arrays)}) WITH ORDINALITY AS v({aliases}, n)"
        " ORDER BY v.n"
    )
    if conflict_ignore:
        sql += f" ON CONFLICT ({', '.join(quote(str(fields[n].column)) for n in conflict_ignore)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(quote(column[n]) for n in returning)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()] if returning else []
