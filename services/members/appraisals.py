"""Democratic appraisal results on the member record (民主评议党员; docs/orglife.md).

Organizational life runs the appraisal (self-assessment, peer ratings, the branch's conclusion);
when the branch concludes it, the results land here, one per member and year, with a line in each
record's history. A year's result is written once: a second conclusion for the same year is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import AppraisalResult, Member, MemberChange


@dataclass(frozen=True)
class Result:
    member: Member
    grade: str
    note: str = ""


def appraisal_results_record(
    *, acting_user: Any, year: int, concluded_on: date, branch_name: str, results: Sequence[Result]
) -> int:
    """Write ``results`` onto the records, inside the caller's transaction (the caller checks
    who may conclude and audits the conclusion). How many were written."""
    members = [result.member.pk for result in results]
    taken = AppraisalResult.objects.filter(member_id__in=members, year=year).values_list("member__name", flat=True)
    if taken:
        raise ValidationError(
            _("%(names)s 的 %(year)s 年度民主评议结果已经记入党员档案。") % {"names": "、".join(taken), "year": year}
        )
    AppraisalResult.objects.bulk_create(
        [
            AppraisalResult(
                member=result.member,
                year=year,
                grade=result.grade,
                concluded_on=concluded_on,
                branch_name=branch_name,
                note=result.note,
            )
            for result in results
        ]
    )
    MemberChange.objects.bulk_create(
        [
            MemberChange(
                member=result.member,
                actor_id=getattr(acting_user, "pk", None),
                actor_username=getattr(acting_user, "username", "") or "",
                kind="appraisal",
                reason=_("%(year)s 年度民主评议") % {"year": year},
                changes={"appraisal": [None, result.grade]},
            )
            for result in results
        ]
    )
    return len(results)
