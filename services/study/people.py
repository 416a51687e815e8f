"""Whom a study plan is for: every member on the roll (全体党员), the branch secretaries, deputy
secretaries and committee members holding a position now (支部书记和支委, who owe
``study.cadre_hours``), and development targets (发展对象, by their dossier's stage)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet

from services.development.models import Dossier
from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import Position
from services.organization.scope import current_positions_q

from .models import Plan

CADRE_POSITIONS = (
    Position.Kind.SECRETARY,
    Position.Kind.DEPUTY_SECRETARY,
    Position.Kind.ORGANIZATION,
    Position.Kind.PROPAGANDA,
    Position.Kind.DISCIPLINE,
)


def cadre_ids(*, member_ids: Iterable[int] | QuerySet[Any], on: date) -> set[int]:
    """The members among ``member_ids`` (ids, or a query of them) who hold a committee position
    on ``on`` (one query)."""
    ids = member_ids if isinstance(member_ids, QuerySet) else list(member_ids)
    rows = Position.objects.filter(current_positions_q(on=on), member_id__in=ids, kind__in=CADRE_POSITIONS).values_list(
        "member_id", flat=True
    )
    return set(rows)


def groups_of(*, user: Any, on: date) -> set[str]:
    """The plan groups an account belongs to on ``on``."""
    groups: set[str] = set()
    member = Member.objects.filter(user_id=user.pk).exclude(status__in=OFF_ROLL_STATUSES).first()
    if member is not None:
        groups.add(Plan.Group.MEMBERS)
        if cadre_ids(member_ids=[member.pk], on=on):
            groups.add(Plan.Group.CADRES)
    if Dossier.objects.filter(user_id=user.pk, stage=Dossier.Stage.TARGET).exists():
        groups.add(Plan.Group.TARGETS)
    return groups
