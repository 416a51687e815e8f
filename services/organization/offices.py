"""Offices in the organization tree: positions (who holds which office in a unit) and committee
terms (换届); administrative grants are in grants.py. Writes as in services.py: one audited
transaction each, with a history row (``OrgUnitChange``) on the unit and an ``org.changed`` audit
row; a position drives permissions (scope.py), so it is written by those who may change the unit.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.accounts.models import User
from services.members.models import Member
from services.members.status import is_off_roll
from services.rules.resolver import RuleMapping, rule

from . import selectors
from .models import OrgUnit, Position, Term
from .services import _check_open, _lock, _record, _require_change

# Committee terms (换届) in years, by kind of unit, from the rule set (services/rules, docs/domain.md#organization:
# "branch committee 3 years, second-level committee 5 years"). The university committee is a
# basic-level committee like a second-level one, and a general branch committee serves like a
# branch committee (《中国共产党基层组织选举工作条例》, 2020). Party groups elect no committee and
# have no term, so they have no key.
TERM_RULE_KEYS: dict[str, str] = {
    OrgUnit.Kind.COMMITTEE: "term.committee_years",
    OrgUnit.Kind.SECOND_LEVEL: "term.second_level_years",
    OrgUnit.Kind.GENERAL_BRANCH: "term.branch_years",
    OrgUnit.Kind.BRANCH: "term.branch_years",
}
# Years of a term by kind, read from the rule set in force today on each lookup.
TERM_YEARS = RuleMapping(TERM_RULE_KEYS)

# Positions only one member holds at a time in a unit; the holder's position must end first.
SINGLE_HOLDER = {Position.Kind.SECRETARY, Position.Kind.GROUP_LEADER}


def position_assign(
    *,
    member: Member,
    unit: OrgUnit,
    kind: str,
    started_on: date,
    acting_user: User | None,
) -> Position:
    """``member`` takes office ``kind`` in ``unit`` from ``started_on``. Positions drive
    permissions (scope.py), so they are assigned by those who may change the unit, to members
    of the unit (a party group's members are its branch's), one secretary or group leader at a
    time."""
    if kind not in Position.Kind.values:
        raise ValidationError({"kind": [_("未知的职务。")]})
    is_group = unit.kind == OrgUnit.Kind.PARTY_GROUP
    if (kind == Position.Kind.GROUP_LEADER) != is_group:
        raise ValidationError({"kind": [_("党小组只设组长，组长只设在党小组。")]})
    with transaction.atomic():
        (unit,) = _lock(unit)  # serializes assignments in one unit: the single-holder check holds
        _require_change(acting_user=acting_user, unit=unit)
        _check_open(unit)
        if is_off_roll(member.status):
            raise ValidationError({"member": [_("该党员已不在组织关系名册中。")]})
        if not selectors.unit_eligible_members(unit=unit).filter(pk=member.pk).exists():
            raise ValidationError({"member": [_("该党员不属于“%(unit)s”。") % {"unit": unit.name}]})
        current = Position.objects.filter(selectors.current_positions_q(on=started_on), unit=unit, kind=kind)
        if current.filter(member=member).exists():
            raise ValidationError({"kind": [_("该党员已担任此职务。")]})
        if kind in SINGLE_HOLDER and current.exists():
            raise ValidationError({"kind": [_("该职务已有人担任，请先办理免职。")]})
        position = Position.objects.create(member=member, unit=unit, kind=kind, started_on=started_on)
        after = {"member": member.pk, "member_name": member.name, "kind": kind, "started_on": started_on.isoformat()}
        _record(
            unit=unit,
            kind="position_assigned",
            acting_user=acting_user,
            after=after,
            target=position,
        )
    return position


def position_end(*, position: Position, ended_on: date, acting_user: User | None) -> Position:
    with transaction.atomic():
        position = Position.objects.select_for_update(of=("self",)).select_related("unit", "member").get(pk=position.pk)
        _require_change(acting_user=acting_user, unit=position.unit)
        if position.ended_on is not None:
            raise ValidationError({"ended_on": [_("该职务已免去。")]})
        if ended_on < position.started_on:
            raise ValidationError({"ended_on": [_("免职日期不能早于任职日期。")]})
        position.ended_on = ended_on
        position.save(update_fields=["ended_on"])
        _record(
            unit=position.unit,
            kind="position_ended",
            acting_user=acting_user,
            before={"member": position.member_id, "member_name": position.member.name, "kind": position.kind},
            after={"ended_on": ended_on.isoformat()},
            target=position,
        )
    return position


def term_set(
    *,
    unit: OrgUnit,
    started_on: date,
    acting_user: User | None,
    ends_on: date | None = None,
) -> Term:
    """Record the committee's current term (换届). Without ``ends_on`` the term lasts
    the years of the rule ``TERM_RULE_KEYS[unit.kind]`` in force on ``started_on`` (rule-set keys
    ``term.branch_years``, ``term.second_level_years``, ``term.committee_years``; docs/domain.md#organization). A
    term with the same start as the latest one corrects it; otherwise a new term begins."""
    _require_change(acting_user=acting_user, unit=unit)  # again under the lock below
    key = TERM_RULE_KEYS.get(unit.kind)
    if key is None:
        raise ValidationError(_("党小组不设委员会，没有届期。"))
    try:
        years = rule(key, on=started_on).number
    except KeyError:  # a start before the standard set's first version: the rule as it is now
        years = rule(key).number
    if ends_on is None:
        ends_on = _add_years(started_on, years)
    if ends_on <= started_on:
        raise ValidationError({"ends_on": [_("届满日期须晚于本届开始日期。")]})
    with transaction.atomic():
        (unit,) = _lock(unit)
        _require_change(acting_user=acting_user, unit=unit)
        _check_open(unit)
        latest = Term.objects.filter(unit=unit).order_by("-started_on", "-id").first()
        before = (
            {"started_on": latest.started_on.isoformat(), "ends_on": latest.ends_on.isoformat()} if latest else None
        )
        if latest is not None and latest.started_on == started_on:
            term = latest
            term.ends_on = ends_on
            term.save(update_fields=["ends_on"])
        else:
            if latest is not None and started_on < latest.started_on:
                raise ValidationError({"started_on": [_("新一届不能早于上一届开始。")]})
            term = Term.objects.create(unit=unit, started_on=started_on, ends_on=ends_on)
        _record(
            unit=unit,
            kind="term_set",
            acting_user=acting_user,
            before=before,
            after={"started_on": started_on.isoformat(), "ends_on": ends_on.isoformat()},
            target=term,
        )
    return term


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
