"""What study's pages and API read, narrowed to the caller: 我的学习 (the plans, materials and
hours of the signed-in person) and the managers' per-branch tables (information only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from services.members.models import Member
from services.members.selectors import member_of
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit
from services.organization.scope import scope_for
from services.orglife.study_credit import study_attendances

from .hours import Hours, hours_of, rankings_on
from .models import Material, Plan, Progress, Training
from .people import groups_of


@dataclass(frozen=True)
class MaterialProgress:
    material: Material
    credited_seconds: int
    cap_seconds: int

    @property
    def percent(self) -> int:
        return min(100, self.credited_seconds * 100 // self.cap_seconds) if self.cap_seconds else 0

    @property
    def minutes(self) -> int:
        return self.credited_seconds // 60


@dataclass
class MyStudy:
    year: int
    plans: list[Plan]
    materials: list[MaterialProgress]
    hours: Hours | None
    lectures: list[Any] = field(default_factory=list)  # orglife Attendee rows, with their meeting
    trainings: list[Training] = field(default_factory=list)

    @property
    def behind(self) -> list[MaterialProgress]:
        return [row for row in self.materials if row.percent < 100]


def plans_of(*, user: Any, year: int) -> list[Plan]:
    groups = groups_of(user=user, on=timezone.localdate())
    return list(Plan.objects.filter(year=year, group__in=groups).prefetch_related("materials__course"))


def my_study(*, user: Any, year: int) -> MyStudy:
    plans = plans_of(user=user, year=year)
    materials = {m.pk: m for plan in plans for m in plan.materials.all()}
    done = dict(
        Progress.objects.filter(user=user, year=year, material_id__in=list(materials)).values_list(
            "material_id", "credited_seconds"
        )
    )
    rows = [MaterialProgress(m, done.get(pk, 0), m.length_minutes * 60) for pk, m in materials.items()]
    member = member_of(user)
    if member is None:
        return MyStudy(year=year, plans=plans, materials=rows, hours=None)
    lectures = study_attendances(member_ids=[member.pk], year=year).select_related("meeting")
    return MyStudy(
        year=year,
        plans=plans,
        materials=rows,
        hours=hours_of(members=[(member.pk, user.pk)], year=year)[member.pk],
        lectures=list(lectures.order_by("meeting__starts_at")),
        trainings=list(Training.objects.filter(member=member).order_by("-finished_on", "-pk")),
    )


def material_get(*, pk: int) -> Material:
    """Any material of the institution (the whole institution may read them; only plans count)."""
    return Material.objects.select_related("course").get(pk=pk)


def materials_list() -> QuerySet[Material]:
    return Material.objects.select_related("course").order_by("course__title", "pk")


@dataclass(frozen=True)
class BranchRow:
    branch: OrgUnit
    members: int
    met: int


def branches_of(*, acting_user: Any) -> QuerySet[OrgUnit]:
    """The branches the user manages."""
    scope = scope_for(acting_user)
    return OrgUnit.objects.filter(
        scope.units_q(manage=True), kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True
    ).order_by("path")


def members_on_roll() -> QuerySet[Member]:
    return Member.objects.exclude(status__in=OFF_ROLL_STATUSES)


def on_roll(branch_ids: list[int]) -> QuerySet[Member]:
    return members_on_roll().filter(branch_id__in=branch_ids)


def branch_rows(*, acting_user: Any, year: int) -> list[BranchRow]:
    """Each branch the user manages: members on the roll and how many meet the year's hours."""
    branches = list(branches_of(acting_user=acting_user))
    return _branch_rows(branches, on_roll([b.pk for b in branches]), year)


def _branch_rows(branches: list[OrgUnit], roll: QuerySet[Member], year: int) -> list[BranchRow]:
    """``roll``: the members on the roll of ``branches``, as a query the hours' queries join."""
    people = list(roll.values_list("pk", "user_id", "branch_id"))
    hours = hours_of(members=[(pk, user) for pk, user, _b in people], year=year, among=roll)
    met: dict[int, int] = {}
    count: dict[int, int] = {}
    for pk, _user, branch_id in people:
        count[branch_id] = count.get(branch_id, 0) + 1
        met[branch_id] = met.get(branch_id, 0) + int(hours[pk].met)
    return [BranchRow(b, count.get(b.pk, 0), met.get(b.pk, 0)) for b in branches]


def all_branch_rows(*, year: int) -> list[BranchRow]:
    """Every open branch of the institution (oversight's figure: figures.py): the same rows as
    ``branch_rows``, with the roll as a join on the branches rather than a list of their ids."""
    open_branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True)
    return _branch_rows(
        list(open_branches.order_by("path")), members_on_roll().filter(branch__in=open_branches.values("pk")), year
    )


@dataclass(frozen=True)
class MemberRow:
    member: Member
    hours: Hours
    rank: int | None


def branch_members(*, branch: OrgUnit, year: int) -> list[MemberRow]:
    """The branch's members with their hours; ranked (most hours first) only where the
    institution turned rankings on, else in roster order."""
    members = list(on_roll([branch.pk]).order_by("name", "pk"))
    hours = hours_of(members=[(m.pk, m.user_id) for m in members], year=year)
    if not rankings_on(year):
        return [MemberRow(m, hours[m.pk], None) for m in members]
    ordered = sorted(members, key=lambda m: hours[m.pk].total, reverse=True)
    return [MemberRow(m, hours[m.pk], index + 1) for index, m in enumerate(ordered)]
