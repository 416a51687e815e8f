"""Deleting a row of an app that has a table in both schemas (accounts, audit, documents…) without
following relations into tables the current schema does not have.

Django's deletion collector walks every model that points at the deleted one, wherever it is
installed: deleting a console user (public schema) also asks the institution-only apps
(organization's admin grants, reminders, members, development…) for their rows, and PostgreSQL
refuses with "relation does not exist", which aborts the whole transaction. ``SchemaCollector``
follows only the relations whose model has a table in the schema the connection is on: the
public schema holds ``SHARED_APPS``, every other schema ``TENANT_APPS`` (settings/base.py).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, router
from django.db.models.deletion import Collector
from django_tenants.utils import get_public_schema_name

from .db import connection


def has_table_here(model: type[models.Model]) -> bool:
    """Whether ``model``'s app has its tables in the schema the connection is on."""
    public = connection.schema_name == get_public_schema_name()
    installed = settings.SHARED_APPS if public else settings.TENANT_APPS
    return apps.get_app_config(model._meta.app_label).name in installed


def _model_of(objs: Any) -> type[models.Model] | None:
    if hasattr(objs, "_meta"):
        return objs._meta.model
    return getattr(objs, "model", None)


class SchemaCollector(Collector):
    """A collector that stays in the current schema: a relation from a model with no table here
    holds no rows here, so it is neither read, updated nor deleted."""

    def can_fast_delete(self, objs: Any, from_field: Any = None) -> bool:
        model = _model_of(objs)
        if model is not None and not has_table_here(model):
            return False  # not a fast delete: related_objects below answers "none"
        return super().can_fast_delete(objs, from_field=from_field)

    def related_objects(self, related_model: Any, related_fields: Any, objs: Any) -> Any:
        if not has_table_here(related_model):
            return related_model._base_manager.using(self.using).none()
        return super().related_objects(related_model, related_fields, objs)


def delete_in_schema(
    instance: models.Model, *, using: str | None = None, keep_parents: bool = False
) -> tuple[int, dict[str, int]]:
    """``Model.delete()`` through a ``SchemaCollector``: a model overrides ``delete`` with this."""
    if instance.pk is None:
        raise ValueError(f"{instance._meta.object_name} object can't be deleted because its pk is None.")
    using = using or router.db_for_write(type(instance), instance=instance)
    collector = SchemaCollector(using=using, origin=instance)
    collector.collect([instance], keep_parents=keep_parents)
    return collector.delete()
