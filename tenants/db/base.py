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
from django.core.exceptions import ImproperlyConfigured
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

    def _text(self, sql: Any) -> str:
        if isinstance(sql, bytes):
            return sql.decode()
        if hasattr(sql, "as_string"):  # psycopg2.sql.Composable: str() would give its repr
            return str(sql.as_string(self._cursor))
        return str(sql)

    def execute(self, sql: Any, params: Any = None) -> Any:
        return self._cursor.execute(self._prefix(params is not None) + self._text(sql), params)

    def executemany(self, sql: Any, param_list: Any) -> Any:
        return self._cursor.executemany(self._prefix(True) + self._text(sql), param_list)

    def _set_local_for_own_statement(self, what: str) -> None:
        # psycopg2 sends these statements itself, so they cannot carry the prefix; they are
        # safe only inside a transaction, where a preceding SET LOCAL holds until the end.
        if self._wrapper.get_autocommit():
            raise ProgrammingError(f"Under transaction pooling, {what} must run inside transaction.atomic().")
        self._cursor.execute(self._prefix(False))

    def copy_expert(self, sql: Any, file: Any, size: int = 8192) -> Any:
        self._set_local_for_own_statement("COPY")
        return self._cursor.copy_expert(sql, file, size)

    # Without these, the proxy handed them to psycopg2 unprefixed: the table was then looked up
    # in whatever schema the pooled server connection was last left in.
    def copy_from(self, file: Any, table: str, *args: Any, **kwargs: Any) -> Any:
        self._set_local_for_own_statement("COPY")
        return self._cursor.copy_from(file, table, *args, **kwargs)

    def copy_to(self, file: Any, table: str, *args: Any, **kwargs: Any) -> Any:
        self._set_local_for_own_statement("COPY")
        return self._cursor.copy_to(file, table, *args, **kwargs)

    def callproc(self, procname: str, parameters: Any = None) -> Any:
        # The function name resolves by search path too; the SELECT psycopg2 would send is
        # sent through execute() instead, so it carries the prefix (keyword arguments are not
        # supported by Django's PostgreSQL backend either).
        params = list(parameters or ())
        self.execute(f"SELECT * FROM {procname}({', '.join(['%s'] * len(params))})", params)
        return parameters

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
        if self.transaction_pooling and name is not None:
            # A named cursor's DECLARE cannot carry the prefix and would run in whatever schema
            # the pooled server connection was left in (and a WITH HOLD cursor outlives the
            # transaction, i.e. its server connection). settings/database.py disables them.
            raise ImproperlyConfigured(
                "Server-side cursors do not work under transaction pooling: set DISABLE_SERVER_SIDE_CURSORS."
            )
        cursor = super().create_cursor(name)
        if self.transaction_pooling:
            return SearchPathCursor(cursor, self)
        return cursor
