"""Structural warnings on the tree: facts of DOMAIN §2 that a unit does not meet right now.

They are warnings, not errors: a branch may be below strength for a while (graduation season),
and the tree editor never refuses a change because of them. They are computed from the counts
``selectors.org_tree`` already annotates, so a whole tree costs the one query of that selector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import OrgUnit
from .selectors import TreeUnit, org_tree

# Defaults of the standard rule set (keys as the rule-set engine will name them) until a tenant
# can override them with an effective date (DOMAIN §10).
RULE_DEFAULTS: dict[str, int] = {
    # DOMAIN §2: "a branch needs ≥ 3 full members".
    "org.branch.min_full_members": 3,
    # DOMAIN §2: "≥ 7 full members → it elects a branch committee".
    "org.branch.committee_from_full_members": 7,
    # What "has a committee" means here: at least this many current committee positions
    # (secretary, deputy, organization, propaganda, discipline) in the branch — a committee has
    # at least a secretary and two members.
    "org.branch.committee_min_positions": 3,
    # DOMAIN §2: "a branch normally has ≤ 50 members" (members on the roll, any status).
    "org.branch.max_members": 50,
    # DOMAIN §2: "a party group ≥ 3 members". NOT CHECKED: members belong to branches
    # (Member.branch), no record says which party group a member is in, so a group's size
    # cannot be computed. It needs a member → party group link first.
    "org.party_group.min_members": 3,
    # DOMAIN §2: "remind before it expires" (换届). How long before is not in DOMAIN: 90 days,
    # time enough to prepare an election (candidates, higher committee's approval).
    "org.term.reminder_days": 90,
}

BRANCH_TOO_SMALL = "branch_too_small"
COMMITTEE_MISSING = "committee_missing"
BRANCH_TOO_LARGE = "branch_too_large"
TERM_ENDING = "term_ending"
TERM_EXPIRED = "term_expired"


@dataclass(frozen=True)
class StructuralWarning:
    unit_id: int
    unit_name: str
    code: str
    rule: str  # the RULE_DEFAULTS key it came from
    message: str


def unit_warnings(entry: TreeUnit, *, today: date, rules: dict[str, int] | None = None) -> list[StructuralWarning]:
    """The warnings of one annotated unit (no query)."""
    rules = rules or RULE_DEFAULTS
    unit = entry.unit
    found: list[StructuralWarning] = []

    def warn(code: str, rule: str, message: str) -> None:
        found.append(StructuralWarning(unit.pk, unit.name, code, rule, message))

    if unit.closed_on is not None:
        return found
    if unit.kind == OrgUnit.Kind.BRANCH:
        minimum = rules["org.branch.min_full_members"]
        if entry.full_member_count < minimum:
            warn(
                BRANCH_TOO_SMALL,
                "org.branch.min_full_members",
                _("正式党员 %(n)s 人，少于 %(min)s 人") % {"n": entry.full_member_count, "min": minimum},
            )
        threshold = rules["org.branch.committee_from_full_members"]
        if (
            entry.full_member_count >= threshold
            and entry.committee_positions < rules["org.branch.committee_min_positions"]
        ):
            warn(
                COMMITTEE_MISSING,
                "org.branch.committee_from_full_members",
                _("正式党员 %(n)s 人，应设支部委员会") % {"n": entry.full_member_count},
            )
        maximum = rules["org.branch.max_members"]
        if entry.member_count > maximum:
            warn(
                BRANCH_TOO_LARGE,
                "org.branch.max_members",
                _("党员 %(n)s 人，超过 %(max)s 人") % {"n": entry.member_count, "max": maximum},
            )
    if entry.term_ends_on is not None:
        if entry.term_ends_on < today:
            warn(TERM_EXPIRED, "org.term.reminder_days", _("届期已于 %(d)s 届满") % {"d": entry.term_ends_on})
        elif entry.term_ends_on <= today + timedelta(days=rules["org.term.reminder_days"]):
            warn(TERM_ENDING, "org.term.reminder_days", _("届期将于 %(d)s 届满") % {"d": entry.term_ends_on})
    return found


def attach_warnings(tree: Iterable[TreeUnit], *, today: date | None = None) -> list[StructuralWarning]:
    """Fill each unit's ``warnings`` and return them all, in tree order."""
    day = today or timezone.localdate()
    everything: list[StructuralWarning] = []
    for entry in tree:
        entry.warnings = unit_warnings(entry, today=day)
        everything.extend(entry.warnings)
    return everything


def org_tree_warnings(*, root: OrgUnit | None = None, today: date | None = None) -> list[StructuralWarning]:
    """Every warning of the tree (or ``root``'s subtree): one query."""
    day = today or timezone.localdate()
    return attach_warnings(org_tree(root=root, on=day), today=day)
