"""The committee's spot checks (public schema): a random sample of branches drawn from the
published results (the facts, named by unit path), each given a check score and a comment; the
institution sees the check on the branch's result. Who draws from what is the console's business
(it alone reads the facts); this module keeps the rows."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from services.audit.services import audit_record

from . import audit_events
from .models import Assessment, SpotCheck


@dataclass(frozen=True)
class Candidate:
    institution_id: int
    unit_path: str
    score: Decimal | None  # the published score, in points


def spot_check_draw(
    *, year: int, candidates: Sequence[Candidate], count: int, acting_user: Any, rng: random.Random | None = None
) -> list[SpotCheck]:
    """Draw ``count`` branches at random among ``candidates`` not drawn yet for ``year``."""
    if count < 1:
        raise ValidationError(_("请填写要抽取的支部数（至少 1 个）。"))
    drawn = set(SpotCheck.objects.filter(year=year).values_list("institution_id", "unit_path"))
    pool = [c for c in candidates if (c.institution_id, c.unit_path) not in drawn]
    if not pool:
        raise ValidationError(_("%(y)s 年度没有可抽查的支部（尚无已认定的结果，或已全部抽过）。") % {"y": year})
    chosen = (rng or random.SystemRandom()).sample(pool, min(count, len(pool)))
    with transaction.atomic():
        rows = [
            SpotCheck.objects.create(
                institution_id=c.institution_id, unit_path=c.unit_path, year=year, published_score=c.score
            )
            for c in chosen
        ]
        audit_record(
            event=audit_events.SPOT_CHECK_DRAWN,
            actor=acting_user,
            after={"year": year, "count": len(rows)},
            detail={"units": [[r.institution_id, r.unit_path] for r in rows]},
        )
    return rows


def spot_check_record(*, check: SpotCheck, score: Decimal, comment: str, acting_user: Any) -> SpotCheck:
    if score < 0:
        raise ValidationError(_("抽查得分不能为负数。"))
    with transaction.atomic():
        check = SpotCheck.objects.select_for_update().get(pk=check.pk)
        before = {"score": str(check.check_score) if check.check_score is not None else None, "comment": check.comment}
        check.check_score, check.comment = score, comment.strip()
        check.checked_by, check.checked_at = acting_user, timezone.now()
        check.save()
        audit_record(
            event=audit_events.SPOT_CHECK_RECORDED,
            actor=acting_user,
            target=check,
            before=before,
            after={"score": str(score), "comment": check.comment},
        )
    return check


def spot_check_of(assessment: Assessment) -> SpotCheck | None:
    """The committee's check of this branch's result, read from the public schema."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or not getattr(tenant, "pk", None):
        return None
    with schema_context("public"):
        return SpotCheck.objects.filter(
            institution_id=tenant.pk, unit_path=assessment.unit.path, year=assessment.year
        ).first()
