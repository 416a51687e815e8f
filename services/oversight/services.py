"""Computing and publishing an institution's de-identified figures."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from services.documents.models import Document, Receipt
from services.documents.selectors import members_signing
from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit

from .dues_figures import dues_figures_publish
from .facts import unit_facts_publish
from .models import InstitutionFigures, NoticeSignoffFigures


def figures_publish(*, institution: Any) -> InstitutionFigures:
    """Count this institution's members and branches (run inside its schema) and upsert the
    totals into the public schema. Only counts leave the schema, never a person."""
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
    unit_facts_publish(institution=institution)
    return figures


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
