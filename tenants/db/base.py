"""django-tenants' PostgreSQL backend, made safe behind PgBouncer in transaction mode.

django-tenants selects an institution's schema with a session-level ``SET search_path``.
Under transaction pooling, consecutive transactions of one client may run on different server
connections, and a server connection carries the last client's session settings: a query can
then run in another institution's schema. With ``DATABASE_POOL_MODE=transaction`` this backend
never issues a session-level SET; instead every statement is sent as
``SET LOCAL search_path = …; <statement>`` in one query message, which PostgreSQL runs as one
(implicit or explicit) transaction, so the path and the statement always share a server
connection. tests/tenants/test_pgbouncer.py proves both the leak and the fix through a real
PgBouncer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import ProgrammingError
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import quote_schema_name


class SearchPathCursor:
    """A psycopg2 cursor proxy that prefixes each statement with ``SET LOCAL search_path``."""

    def __init__(self, cursor: Any, wrapper: DatabaseWrapper) -> None:
        self._cursor = cursor
        self._wrapper = wrapper

    def _prefix(self, has_params: bool) -> str:
        paths = ",".join(quote_schema_name(s) for s in self._wrapper._get_cursor_search_paths())
        prefix = f"SET LOCAL search_path = {paths}; "
        return prefix.replace("%", "%%") if has_params else prefix

    def execute(self, sql: Any, params: Any = None) -> Any:
        if isinstance(sql, bytes):
            sql = sql.decode()
        return self._cursor.execute(self._prefix(params is not None) + str(sql), params)

    def executemany(self, sql: str, param_list: Any) -> Any:
        return self._cursor.executemany(self._prefix(True) + sql, param_list)

    def copy_expert(self, sql: str, file: Any, size: int = 8192) -> Any:
        # COPY cannot share a query message with another statement; it is safe only inside a
        # transaction, where a preceding SET LOCAL holds until the end.
        if self._wrapper.get_autocommit():
            raise ProgrammingError("Under transaction pooling, COPY must run inside transaction.atomic().")
        self._cursor.execute(self._prefix(False))
        return self._cursor.copy_expert(sql, file, size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def __iter__(self) -> Any:
        return iter(self._cursor)

    def __enter__(self) -> SearchPathCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._cursor.close()


class DatabaseWrapper(TenantDatabaseWrapper):
    @property
    def transaction_pooling(self) -> bool:
        return getattr(settings, "DATABASE_POOL_MODE", "session") == "transaction"

    def _handle_search_path(self, cursor: Any = None) -> None:
        if self.transaction_pooling:
            return  # a session-level SET would leak to the pool's next client
        super()._handle_search_path(cursor)

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = super().create_cursor(name)
        if self.transaction_pooling and name is None:
            return SearchPathCursor(cursor, self)
        return cursor
