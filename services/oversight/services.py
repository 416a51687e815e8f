"""Computing and publishing an institution's de-identified figures (docs/oversight.md).

- ``figures_publish``: the nightly full run (every period of this year and last year) and the
  demo's; it also writes the older tables the console still reads.
- ``facts_refresh_request``: called after a write that changes facts (``triggers.py``), in its
  transaction: an outbox row, gone with a rollback.
- ``facts_refresh_due``: the institution's housekeeping, every minute: one refresh covering every
  request so far, so at most one a minute per institution, never inside a request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from services.documents.models import Document, Receipt
from services.documents.selectors import members_signing
from services.kernel.figures import figures_run
from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit

from .dues_figures import dues_figures_publish
from .facts import unit_facts_publish
from .models import FactsRefresh, InstitutionFigures, NoticeSignoffFigures


def figures_publish(*, institution: Any, years: Iterable[int] | None = None) -> InstitutionFigures:
    """Count this institution's members and branches (run inside its schema) and upsert the
    totals into the public schema, then its facts for ``years`` (default: this year and last
    year, every period). Only counts leave the schema, never a person."""
    with figures_run():  # the old tables and the facts share what they both read
        return _figures_publish(institution=institution, years=years)


def _figures_publish(*, institution: Any, years: Iterable[int] | None) -> InstitutionFigures:
    figures, _ = InstitutionFigures.objects.update_or_create(
        institution_id=institution.pk,
        defaults={
            "member_count": Member.objects.exclude(status__in=OFF_ROLL_STATUSES).count(),
            "probationary_count": Member.objects.filter(status=Member.Status.PROBATIONARY).count(),
            "branch_count": OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).count(),
            "computed_at": timezone.now(),
        },
    )
    signoff_figures_publish(institution=institution)
    dues_figures_publish(institution=institution)
    this_year = timezone.localdate().year
    for year in sorted(years if years is not None else (this_year - 1, this_year)):
        unit_facts_publish(institution=institution, year=year)
    return figures


def facts_refresh_request(*, institution_id: int, year: int | None = None) -> None:
    """Ask for a refresh of the institution's facts from ``year`` (this year by default) on. Call
    it in the transaction of the write that changed them: the request commits or rolls back with
    it. An insert, never an update: concurrent writes never wait on one another."""
    this_year = timezone.localdate().year
    since = this_year if year is None else max(min(year, this_year), this_year - 1)
    FactsRefresh.objects.create(institution_id=institution_id, since_year=since)


def facts_refresh_everywhere() -> int:
    """Ask every active institution for a refresh (a committee notice asking for signing appeared
    or changed): one statement. Returns the number of institutions asked."""
    from tenants.models import Institution

    this_year = timezone.localdate().year
    ids = list(Institution.objects.filter(status=Institution.Status.ACTIVE).values_list("pk", flat=True))
    FactsRefresh.objects.bulk_create([FactsRefresh(institution_id=pk, since_year=this_year) for pk in ids])
    return len(ids)


def facts_refresh_due(*, institution: Any) -> int:
    """Run inside the institution's schema (its housekeeping, every minute): when refreshes were
    asked for, publish the facts of the years they touched and delete the requests covered.
    A request that arrives during the run waits for the next minute; a run that fails leaves the
    requests for the next one. Returns the number of requests covered."""
    # The requests seen now were committed now, so the run below reads their writes; one that
    # commits later (even with a smaller id) is not deleted.
    seen = list(FactsRefresh.objects.filter(institution_id=institution.pk).values_list("pk", "since_year"))
    if not seen:
        return 0
    since = min(year for _pk, year in seen)
    figures_publish(institution=institution, years=range(since, timezone.localdate().year + 1))
    FactsRefresh.objects.filter(pk__in=[pk for pk, _year in seen]).delete()
    return len(seen)


def signoff_figures_publish(*, institution: Any) -> int:
    """For every notice the committee asked to be signed: how many of this institution's members
    are expected to sign it and how many have (run inside its schema; three queries whatever the
    number of notices). Returns the number of notices counted."""
    with schema_context(get_public_schema_name()):
        notices = list(
            Document.objects.filter(kind=Document.Kind.NOTICE, requires_signoff=True).values_list("pk", flat=True)
        )
    expected = members_signing()
    signed = dict(
        Receipt.objects.filter(public_document_id__in=notices, member__in=expected)
        .values_list("public_document_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    expected_count = expected.count()
    now = timezone.now()
    rows = [
        NoticeSignoffFigures(
            institution_id=institution.pk,
            public_document_id=pk,
            expected_count=expected_count,
            signed_count=signed.get(pk, 0),
            computed_at=now,
        )
        for pk in notices
    ]
    with transaction.atomic():
        # Notices that no longer ask for signing (or are gone) lose their figures.
        NoticeSignoffFigures.objects.filter(institution_id=institution.pk).exclude(
            public_document_id__in=notices
        ).delete()
        NoticeSignoffFigures.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["public_document_id", "institution"],
            update_fields=["expected_count", "signed_count", "computed_at"],
        )
    return len(rows)
