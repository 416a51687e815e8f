"""Democratic appraisal of members (民主评议党员, docs/orglife.md "Democratic appraisal").

A manager of the branch opens the year's appraisal: every member on the branch's roll becomes a
subject (appraised, and a rater of the others). Until the rating deadline each member writes a
self-assessment and rates the others (优秀 / 合格 / 基本合格 / 不合格). The branch committee — the
members holding a committee position in the branch, and no one above it — sees the counts per
member (never who rated whom) and concludes: a grade for every member, written onto the member
records (``services.members.appraisals``). After that nothing in it changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.appraisals import Result, appraisal_results_record
from services.members.models import AppraisalResult, Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit
from services.organization.scope import require_manage, scope_for

from .attendance_lists import committee_members
from .audit_events import (
    EVENT_APPRAISAL_CONCLUDED,
    EVENT_APPRAISAL_OPENED,
    EVENT_APPRAISAL_RATED,
    EVENT_APPRAISAL_SELF,
)
from .models import Appraisal, AppraisalSubject, Meeting, PeerRating
from .services import NOT_YOURS

Grade = AppraisalResult.Grade


# --- reads ----------------------------------------------------------------------------------------


def appraisals_seen(*, acting_user: Any) -> QuerySet[Appraisal]:
    """Appraisals of the branches the user sees, and those the user is appraised in."""
    scope = scope_for(acting_user)
    appraisals = Appraisal.objects.select_related("branch", "meeting").order_by("-year", "branch__path")
    if scope.everything:  # (an empty Q, which an OR would drop)
        return appraisals
    mine = AppraisalSubject.objects.filter(member__user=acting_user).values("appraisal_id")
    return appraisals.filter(scope.units_q("branch__") | Q(pk__in=mine))


def appraisal_get(*, acting_user: Any, pk: int) -> Appraisal:
    """One appraisal the user sees; ``Appraisal.DoesNotExist`` otherwise (a 404)."""
    return appraisals_seen(acting_user=acting_user).get(pk=pk)


def my_subject(*, acting_user: Any, appraisal: Appraisal) -> AppraisalSubject | None:
    return appraisal.subjects.filter(member__user=acting_user).select_related("member").first()


def on_committee(*, acting_user: Any, branch: OrgUnit) -> bool:
    """Whether the user holds a committee position in ``branch`` today (who sees the ratings)."""
    member = Member.objects.filter(user=acting_user).only("pk").first() if acting_user.is_authenticated else None
    if member is None:
        return False
    return committee_members(branch=branch, on=timezone.localdate()).filter(pk=member.pk).exists()


@dataclass(frozen=True)
class Tally:
    subject: AppraisalSubject
    counts: dict[str, int]  # grade → how many raters gave it
    rated_by: int
    suggested: str  # the grade most raters gave (the better one on a tie)


def appraisal_tally(*, acting_user: Any, appraisal: Appraisal) -> list[Tally]:
    """The counts per member, for the branch committee only."""
    if not on_committee(acting_user=acting_user, branch=appraisal.branch):
        raise PermissionDenied(_("互评结果仅支部委员会可见。"))
    counts: dict[int, Counter[str]] = {}
    for subject_id, grade in PeerRating.objects.filter(subject__appraisal=appraisal).values_list("subject_id", "grade"):
        counts.setdefault(subject_id, Counter())[grade] += 1
    order = list(Grade.values)
    rows = []
    for subject in appraisal.subjects.order_by("name", "pk"):
        mine = counts.get(subject.pk, Counter())
        suggested = min(mine, key=lambda g: (-mine[g], order.index(g))) if mine else ""
        rows.append(Tally(subject, {g: mine.get(g, 0) for g in order}, sum(mine.values()), suggested))
    return rows


def my_ratings(*, rater: AppraisalSubject) -> dict[int, str]:
    return dict(PeerRating.objects.filter(rater=rater).values_list("subject_id", "grade"))


# --- writes ---------------------------------------------------------------------------------------


def _require_open(appraisal: Appraisal, *, rating: bool = False) -> None:
    if appraisal.status != Appraisal.Status.OPEN:
        raise ValidationError(_("本次民主评议已作出结论，不能再修改。"))
    if rating and timezone.localdate() > appraisal.rating_closes_on:
        raise ValidationError(_("互评已于 %(day)s 截止。") % {"day": appraisal.rating_closes_on.isoformat()})


def appraisal_open(
    *, acting_user: Any, branch: OrgUnit, year: int, rating_closes_on: date, meeting: Meeting | None = None
) -> Appraisal:
    require_manage(acting_user=acting_user, unit=branch, message=NOT_YOURS)
    if branch.kind != OrgUnit.Kind.BRANCH or branch.closed_on is not None:
        raise ValidationError({"branch": _("民主评议由党支部组织，请选择一个未撤销的党支部。")})
    if meeting is not None and (meeting.unit_id != branch.pk or meeting.kind != Meeting.Kind.APPRAISAL):
        raise ValidationError({"meeting": _("请选择本支部的民主评议党员会议。")})
    if Appraisal.objects.filter(branch=branch, year=year).exists():
        raise ValidationError(
            {"year": _("“%(unit)s”%(year)s 年度的民主评议已经开始。") % {"unit": branch.name, "year": year}}
        )
    members = list(Member.objects.filter(branch=branch).exclude(status__in=OFF_ROLL_STATUSES).order_by("name", "pk"))
    if len(members) < 2:
        raise ValidationError({"branch": _("支部党员不足两人，无法进行民主评议。")})
    with transaction.atomic():
        appraisal = Appraisal.objects.create(
            branch=branch, year=year, rating_closes_on=rating_closes_on, meeting=meeting, opened_by=acting_user
        )
        AppraisalSubject.objects.bulk_create(
            [AppraisalSubject(appraisal=appraisal, member=member, name=member.name) for member in members]
        )
        audit_record(
            event=EVENT_APPRAISAL_OPENED,
            actor=acting_user,
            target=appraisal,
            after={"branch": branch.pk, "year": year, "rating_closes_on": rating_closes_on.isoformat(),
                   "subjects": len(members)},
        )  # fmt: skip
    return appraisal


def _subject_of(acting_user: Any, appraisal: Appraisal) -> AppraisalSubject:
    subject = my_subject(acting_user=acting_user, appraisal=appraisal)
    if subject is None:
        raise PermissionDenied(_("您不在本次民主评议的名单中。"))
    return subject


def appraisal_self_submit(*, acting_user: Any, appraisal: Appraisal, text: str) -> AppraisalSubject:
    subject = _subject_of(acting_user, appraisal)
    _require_open(appraisal, rating=True)
    if not text.strip():
        raise ValidationError({"self_assessment": _("请填写个人自评。")})
    with transaction.atomic():
        subject.self_assessment = text.strip()
        subject.self_submitted_at = timezone.now()
        subject.save(update_fields=["self_assessment", "self_submitted_at"])
        audit_record(event=EVENT_APPRAISAL_SELF, actor=acting_user, target=subject, after={"appraisal": appraisal.pk})
    return subject


def appraisal_rate(*, acting_user: Any, appraisal: Appraisal, grades: Mapping[int, str]) -> int:
    """The user's ratings of others (subject id → grade); a later rating replaces an earlier one.
    The audit row records how many, never the grades."""
    rater = _subject_of(acting_user, appraisal)
    _require_open(appraisal, rating=True)
    others = set(appraisal.subjects.exclude(pk=rater.pk).values_list("pk", flat=True))
    if rater.pk in grades:
        raise ValidationError(_("不能评议自己。"))
    if set(grades) - others:
        raise ValidationError(_("评议对象不在本次民主评议的名单中。"))
    if any(grade not in Grade.values for grade in grades.values()):
        raise ValidationError(_("请为每人选择优秀、合格、基本合格或不合格。"))
    with transaction.atomic():
        PeerRating.objects.bulk_create(
            [PeerRating(rater=rater, subject_id=subject_id, grade=grade) for subject_id, grade in grades.items()],
            update_conflicts=True,
            unique_fields=["rater", "subject"],
            update_fields=["grade", "rated_at"],
        )
        audit_record(event=EVENT_APPRAISAL_RATED, actor=acting_user, target=appraisal, after={"rated": len(grades)})
    return len(grades)


def appraisal_conclude(
    *, acting_user: Any, appraisal: Appraisal, conclusions: Mapping[int, tuple[str, str]], concluded_on: date
) -> Appraisal:
    """The committee's grade for every member (subject id → (grade, note)), onto the records."""
    if not on_committee(acting_user=acting_user, branch=appraisal.branch):
        raise PermissionDenied(_("民主评议结论由支部委员会作出。"))
    with transaction.atomic():
        appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        _require_open(appraisal)
        subjects = list(appraisal.subjects.select_related("member"))
        missing = [s.name for s in subjects if conclusions.get(s.pk, ("", ""))[0] not in Grade.values]
        if missing:
            raise ValidationError(_("请为以下党员选择评议结果：%(names)s。") % {"names": "、".join(missing)})
        for subject in subjects:
            subject.conclusion, subject.conclusion_note = conclusions[subject.pk][0], conclusions[subject.pk][1][:200]
        AppraisalSubject.objects.bulk_update(subjects, ["conclusion", "conclusion_note"])
        appraisal_results_record(
            acting_user=acting_user,
            year=appraisal.year,
            concluded_on=concluded_on,
            branch_name=appraisal.branch.name,
            results=[Result(s.member, s.conclusion, s.conclusion_note) for s in subjects if s.member is not None],
        )
        appraisal.status, appraisal.concluded_by, appraisal.concluded_on = (
            Appraisal.Status.CONCLUDED, acting_user, concluded_on,
        )  # fmt: skip
        appraisal.save(update_fields=["status", "concluded_by", "concluded_on"])
        audit_record(
            event=EVENT_APPRAISAL_CONCLUDED,
            actor=acting_user,
            target=appraisal,
            after={"counts": dict(Counter(s.conclusion for s in subjects))},
        )
    return appraisal
