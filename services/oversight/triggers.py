"""Which writes ask for a refresh of the institution's facts (docs/oversight.md#refresh).

A save or delete of a record some metric reads asks, in the writer's own transaction, for a
refresh (``services.facts_refresh_request``: an outbox row that a rollback takes back); the
institution's housekeeping runs it within a minute, outside any request. Connected here, by the
reader, so that no capability below has to know about oversight.

Writes that bypass ``save()`` (``bulk_create``, ``update()``, the study heartbeat's one
statement) ask nothing: the nightly full run catches them up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db.models.signals import post_delete, post_save

from tenants.db import connection

# model label -> the year a record of it touches (None: this year)
YEAR_OF: dict[str, Callable[[Any], int | None]] = {
    "orglife.Meeting": lambda m: m.starts_at.year if isinstance(m.starts_at, datetime) else None,
    "orglife.Attendee": lambda a: None,
    "dues.Entry": lambda e: e.year,
    "dues.Month": lambda m: m.year,
    "thought_reports.Report": lambda r: r.first_submitted_at.year if r.first_submitted_at else None,
    "thought_reports.Note": lambda n: None,
    "study.Training": lambda t: t.finished_on.year if isinstance(t.finished_on, date) else None,
    "development.Dossier": lambda d: None,
    "development.DossierStep": lambda s: s.occurred_on.year if isinstance(s.occurred_on, date) else None,
    "members.Member": lambda m: None,
    "organization.OrgUnit": lambda u: None,
    "organization.Term": lambda t: None,
    "organization.Position": lambda p: None,
    "documents.Receipt": lambda r: None,
    # A rule adjusted by the institution changes what the metrics reading it count, and the
    # version their facts name (fact_rules.py), from the day it takes effect.
    "rule_overrides.RuleOverride": lambda o: o.effective_from.year if isinstance(o.effective_from, date) else None,
}


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw") or connection.schema_name == "public":
        return
    institution_id = _institution_id()
    if institution_id is None:
        return
    from .services import facts_refresh_request

    facts_refresh_request(institution_id=institution_id, year=YEAR_OF[sender._meta.label](instance))


def _institution_id() -> int | None:
    """The institution whose schema is in use: a request's or a task's tenant, or (a script in
    ``schema_context``) the one its schema name belongs to."""
    tenant = getattr(connection, "tenant", None)
    pk = getattr(tenant, "pk", None)
    if pk is not None:
        return int(pk)
    from tenants.models import Institution

    return Institution.objects.filter(schema_name=connection.schema_name).values_list("pk", flat=True).first()


def _notice_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A committee notice asking for signing appeared, or stopped or started asking (public
    schema): every institution's sign-off facts. A save of other fields (a new version, a title)
    changes nothing those facts read, and asks nothing."""
    if kwargs.get("raw") or connection.schema_name != "public" or instance.kind != "notice":
        return
    fields = kwargs.get("update_fields")
    if fields is not None and not {"kind", "requires_signoff"} & set(fields):
        return
    if not instance.requires_signoff and not (fields and "requires_signoff" in fields):
        return
    from .services import facts_refresh_everywhere

    facts_refresh_everywhere()


def _notice_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if connection.schema_name != "public":
        return
    from .facts import SIGNED_PREFIX
    from .models import UnitFact

    UnitFact.objects.filter(metric=f"{SIGNED_PREFIX}{instance.pk}").delete()


def connect() -> None:
    from django.apps import apps

    for label in YEAR_OF:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"oversight.facts.{label}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"oversight.facts.{label}.delete")
    document = apps.get_model("documents.Document")
    post_save.connect(_notice_changed, sender=document, dispatch_uid="oversight.facts.notice.save")
    post_delete.connect(_notice_deleted, sender=document, dispatch_uid="oversight.facts.notice.delete")
