"""Demo data of the development pipeline: dossiers spread over every stage with realistic dates.

``bulk_pipeline`` is also what the reminder benchmark uses for its 3,000 people in the pipeline,
so it writes with ``bulk_create`` only (a handful of statements per thousand people), never
through the per-row services. Dates follow the default rules (talk within a month, a year as an
activist, twelve months of probation) with a share of people late, so reminders have work.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from dateutil.relativedelta import relativedelta
from django.db import transaction

from services.crypto import blind_index
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.procedures.models import ProcedureTemplate, Stage, TemplateStep
from services.procedures.selectors import template_in_force

from .models import Dossier, DossierContact, DossierStep
from .services import dossier_step_record

DEMO_PER_INSTITUTION = 30
# Share of each stage in a generated pipeline.
STAGE_WEIGHTS = (
    (Stage.APPLICANT, 30),
    (Stage.ACTIVIST, 30),
    (Stage.TARGET, 15),
    (Stage.PROBATIONARY, 15),
    (Stage.FULL, 10),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉晨子涵宇轩欣怡博文浩然思雨"
APPROVED = DossierStep.Review.APPROVED


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _national_id(rng: random.Random, born: date, male: bool, taken: set[str]) -> tuple[str, str]:
    from services.members.fake_ids import fake_national_id

    while True:
        number = fake_national_id(rng, born, male)
        index = blind_index(number)
        if index not in taken:
            taken.add(index)
            return number, index


def _stage_at(i: int, count: int) -> str:
    """The stage of the i-th of ``count`` people: the weights' shares, in order."""
    position = (i + 0.5) / count * sum(weight for _, weight in STAGE_WEIGHTS)
    for stage, weight in STAGE_WEIGHTS:
        if position < weight:
            return stage
        position -= weight
    return STAGE_WEIGHTS[-1][0]


def _dates(stage: str, rng: random.Random, today: date) -> dict[str, Any]:
    """The stage dates of one person, consistent with each other and not after ``today``."""
    if stage == Stage.APPLICANT:
        return {"applied_on": today - _days(rng, 3, 150)}
    if stage == Stage.ACTIVIST:
        activist_on = today - _days(rng, 20, 700)
        return {"applied_on": activist_on - _days(rng, 40, 120), "activist_on": activist_on}
    if stage == Stage.TARGET:
        target_on = today - _days(rng, 5, 150)
        activist_on = target_on - relativedelta(months=12) - _days(rng, 0, 90)
        return {"applied_on": activist_on - _days(rng, 40, 120), "activist_on": activist_on, "target_on": target_on}
    admitted_on = today - (_days(rng, 10, 390) if stage == Stage.PROBATIONARY else _days(rng, 400, 1500))
    target_on = admitted_on - _days(rng, 60, 150)
    activist_on = target_on - relativedelta(months=12) - _days(rng, 0, 60)
    dates = {
        "applied_on": activist_on - _days(rng, 40, 120),
        "activist_on": activist_on,
        "target_on": target_on,
        "admitted_on": admitted_on,
        "probation_ends_on": admitted_on + relativedelta(months=12),
    }
    if stage == Stage.FULL:
        dates["confirmed_on"] = dates["probation_ends_on"]
    return dates


def _steps_for(dossier: Dossier, rng: random.Random, today: date) -> list[tuple[str, date, dict[str, Any]]]:
    """The steps a person at this stage has behind them: (code, date, extra fields)."""
    steps: list[tuple[str, date, dict[str, Any]]] = [("application", dossier.applied_on, {})]
    talk_on = dossier.applied_on + _days(rng, 3, 35)
    if dossier.stage != Stage.APPLICANT or (rng.random() < 0.6 and talk_on <= today):
        steps.append(("talk", min(talk_on, today), {}))
    if dossier.activist_on:
        steps += [("activist_recommend", dossier.activist_on, {}), ("activist_filing", dossier.activist_on, {})]
        steps.append(("contact_persons", dossier.activist_on, {}))
        end = dossier.target_on or today
        assessed = dossier.activist_on + relativedelta(months=6)
        while assessed <= end and (dossier.stage != Stage.ACTIVIST or rng.random() < 0.9):
            steps.append(("activist_training", assessed, {}))
            assessed += relativedelta(months=6)
    if dossier.target_on:
        steps += [("target_decision", dossier.target_on, {}), ("target_filing", dossier.target_on, {})]
        steps.append(("sponsors", dossier.target_on, {}))
        if dossier.stage != Stage.TARGET or rng.random() < 0.7:
            steps.append(("political_review", min(dossier.target_on + _days(rng, 10, 40), today), {}))
        if dossier.stage != Stage.TARGET or rng.random() < 0.5:
            steps.append(
                ("training", min(dossier.target_on + _days(rng, 10, 40), today), {"hours": Decimal(24), "days": 3})
            )
    if dossier.admitted_on:
        before = dossier.admitted_on - timedelta(days=30)
        steps += [
            ("committee_review", before, {"ends_on": before + timedelta(days=9)}),
            ("pre_review", before + timedelta(days=12), {}),
            ("volunteer_form", before + timedelta(days=15), {}),
            ("admission_meeting", dossier.admitted_on, {}),
        ]
        approved_on = dossier.admitted_on + _days(rng, 10, 80)
        if dossier.stage == Stage.FULL or (approved_on <= today and rng.random() < 0.85):
            steps += [("committee_talk", approved_on - timedelta(days=5), {}), ("approval", approved_on, {})]
    if dossier.confirmed_on:
        steps += [
            ("oath", cast(date, dossier.admitted_on) + _days(rng, 20, 60), {}),
            ("confirmation_application", dossier.confirmed_on - timedelta(days=20), {}),
            ("confirmation_meeting", dossier.confirmed_on, {}),
            ("confirmation_approval", dossier.confirmed_on + _days(rng, 10, 60), {}),
        ]
    return [(code, day, extra) for code, day, extra in steps if day <= today]


def _full_members_by_branch(branches: Sequence[OrgUnit]) -> dict[int, list[int]]:
    """The full members of each branch (one query): the pool contact persons and sponsors come from."""
    full_members: dict[int, list[int]] = {}
    for member_id, branch_id in Member.objects.filter(branch__in=branches, status=Member.Status.NORMAL).values_list(
        "pk", "branch_id"
    ):
        full_members.setdefault(branch_id, []).append(member_id)
    return full_members


def _new_dossier(
    i: int,
    *,
    count: int,
    branches: Sequence[OrgUnit],
    template: ProcedureTemplate | None,
    taken: set[str],
    rng: random.Random,
    today: date,
) -> Dossier:
    """The i-th of ``count`` people, unsaved: stage, branch, dates and a unique fake identity."""
    stage = _stage_at(i, count)
    branch = branches[i % len(branches)]
    dates = _dates(stage, rng, today)
    born = dates["applied_on"] - timedelta(days=rng.randint(18 * 366, 30 * 365))
    male = rng.random() < 0.5
    number, index = _national_id(rng, born, male, taken)
    student = branch.branch_kind in (OrgUnit.BranchKind.UNDERGRADUATE, OrgUnit.BranchKind.GRADUATE)
    return Dossier(
        name=_name(rng),
        gender="male" if male else "female",
        birth_date=born,
        national_id=number,
        national_id_index=index,
        category=Member.Category.STUDENT if student else Member.Category.FACULTY,
        number=f"{'S' if student else 'T'}{rng.randrange(10**7):07d}",
        branch=branch,
        stage=stage,
        template=template,
        **dates,
    )


def _create_members(dossiers: Sequence[Dossier]) -> None:
    """The member records of the people admitted (probationary or full), in one bulk insert, linked
    to their dossiers (which are not saved yet)."""
    members = [
        Member(
            name=d.name,
            gender=d.gender,
            birth_date=d.birth_date,
            national_id=d.national_id,
            national_id_index=d.national_id_index,
            category=d.category,
            number=d.number,
            status=Member.Status.NORMAL if d.stage == Stage.FULL else Member.Status.PROBATIONARY,
            branch=d.branch,
            joined_on=d.admitted_on,
            confirmed_on=d.confirmed_on,
        )
        for d in dossiers
        if d.stage in (Stage.PROBATIONARY, Stage.FULL)
    ]
    created_members = iter(Member.objects.bulk_create(members))
    for d in dossiers:
        if d.stage in (Stage.PROBATIONARY, Stage.FULL):
            d.member = next(created_members)


def _new_steps(
    dossier: Dossier, *, step_of: dict[str, TemplateStep], rng: random.Random, today: date
) -> list[DossierStep]:
    """The dossier's steps behind it (``_steps_for``), approved, unsaved."""
    steps: list[DossierStep] = []
    for code, day, extra in _steps_for(dossier, rng, today):
        template_step = step_of.get(code)
        steps.append(
            DossierStep(
                dossier=dossier,
                template_step=template_step,
                code=code,
                title=template_step.title if template_step else code,
                occurred_on=day,
                review=APPROVED,
                **extra,
            )
        )
    return steps


def _new_contacts(dossier: Dossier, *, pool: list[int], rng: random.Random) -> list[DossierContact]:
    """A contact person for an activist or target, two sponsors for a target, drawn from ``pool``
    (the branch's full members) when it is large enough; unsaved."""
    contacts: list[DossierContact] = []
    if dossier.activist_on and dossier.stage in (Stage.ACTIVIST, Stage.TARGET) and pool:
        contacts.append(
            DossierContact(dossier=dossier, member_id=rng.choice(pool), role="contact", assigned_on=dossier.activist_on)
        )
    if dossier.target_on and dossier.stage == Stage.TARGET and len(pool) >= 2:
        for member_id in rng.sample(pool, 2):
            contacts.append(
                DossierContact(dossier=dossier, member_id=member_id, role="sponsor", assigned_on=dossier.target_on)
            )
    return contacts


def bulk_pipeline(*, branches: Sequence[OrgUnit], count: int, rng: random.Random, today: date) -> int:
    """Create ``count`` dossiers spread over the branches and over every stage (``STAGE_WEIGHTS``),
    with their steps (approved), contact persons and sponsors (full members of the branch, when it
    has some) and, from probationary membership on, their member records. Bulk writes only;
    returns the number of dossiers created. The random draws come in a fixed order (each person,
    then each dossier's steps and contacts), so a seeded ``rng`` gives the same pipeline."""
    if count <= 0 or not branches:
        return 0
    template = template_in_force(on=today)
    step_of = {s.code: s for s in TemplateStep.objects.filter(template=template)} if template else {}
    taken = set(Member.objects.values_list("national_id_index", flat=True))
    full_members = _full_members_by_branch(branches)
    with transaction.atomic():
        dossiers = [
            _new_dossier(i, count=count, branches=branches, template=template, taken=taken, rng=rng, today=today)
            for i in range(count)
        ]
        _create_members(dossiers)
        Dossier.objects.bulk_create(dossiers)
        steps: list[DossierStep] = []
        contacts: list[DossierContact] = []
        for d in dossiers:
            steps += _new_steps(d, step_of=step_of, rng=rng, today=today)
            contacts += _new_contacts(d, pool=full_members.get(d.branch_id, []), rng=rng)
        DossierStep.objects.bulk_create(steps, batch_size=2000)
        DossierContact.objects.bulk_create(contacts, batch_size=2000)
    return len(dossiers)


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    """About 30 dossiers across the stages in the demo secretary's branch (idempotent: nothing is
    added when that branch already has dossiers)."""
    position = (
        Position.objects.filter(kind=Position.Kind.SECRETARY, member__user__username="secretary")
        .select_related("unit")
        .first()
    )
    if position is None:
        return
    if not Dossier.objects.filter(branch=position.unit).exists():
        bulk_pipeline(branches=[position.unit], count=DEMO_PER_INSTITUTION, rng=rng, today=date.today())
    _publicity_now(position=position, today=date.today())


def _publicity_now(*, position: Position, today: date) -> None:
    """One development target of the demo branch in publicity since two days ago: the branch
    committee's review recorded through the service, so the 党务公开 board shows the notice with
    its window (once: not when a target of the branch already has that step)."""
    targets = Dossier.objects.filter(branch=position.unit, stage=Stage.TARGET).order_by("pk")
    user = position.member.user
    if user is None or DossierStep.objects.filter(dossier__in=targets, code="committee_review").exists():
        return
    dossier = targets.first()
    if dossier is not None:
        dossier_step_record(
            dossier=dossier, acting_user=user, code="committee_review", occurred_on=today - timedelta(days=2)
        )
