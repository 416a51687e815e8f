"""Computing and publishing an institution's de-identified figures."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from services.members.models import Member
from services.organization.models import OrgUnit

from .models import InstitutionFigures


def figures_publish(*, institution: Any) -> InstitutionFigures:
    """Count this institution's members and branches (run inside its schema) and upsert the
    totals into the public schema. Only counts leave the schema, never a person."""
    figures, _ = InstitutionFigures.objects.update_or_create(
        institution_id=institution.pk,
        defaults={
            "member_count": Member.objects.exclude(
                status__in=[Member.Status.TRANSFERRED_OUT, Member.Status.DECEASED, Member.Status.STOPPED]
            ).count(),
            "probationary_count": Member.objects.filter(status=Member.Status.PROBATIONARY).count(),
            "branch_count": OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).count(),
            "computed_at": timezone.now(),
        },
    )
    return figures
