"""The schema-aware database backend (ENGINE "tenants.db") and a typed handle on it.

``connection`` is Django's connection proxy, typed as our backend so that the schema methods
(set_tenant, set_schema_to_public, schema_name) are known to type checkers.
"""

from typing import TYPE_CHECKING, cast

from django.db import connection as _connection

if TYPE_CHECKING:
    from .base import DatabaseWrapper

connection = cast("DatabaseWrapper", _connection)
