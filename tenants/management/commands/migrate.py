"""`migrate` is `migrate_schemas` here, as in django-tenants, but with our skipping override."""

from .migrate_schemas import Command

__all__ = ["Command"]
