"""Structural warnings on the tree: facts of docs/domain.md#organization that a unit does not meet right now.

They are warnings, not errors: a branch may be below strength for a while (graduation season),
and the tree editor never refuses a change because of them. They are computed from the counts
``selectors.org_tree`` already annotates and the rule set in force (services/rules), so a whole
tree costs the one query of that selector and the two of the resolver.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from services.rules.resolver import RuleMapping, RuleValue, rules_for

from .models import OrgUnit
from .selectors import TreeUnit, org_tree

# The rule-set keys these warnings read (services/rules, docs/domain.md#rule-sets), by the local names this
# module has used. The numbers themselves — and their citations — come from the resolver: the
# institution's override in force on the day, else the standard rule.
# - "a branch needs ≥ 3 full members"; "≥ 7 full members → it elects a branch committee";
# - what "has a committee" means here: at least this many current committee positions
#   (secretary, deputy, organization, propaganda, discipline) — a secretary and two members;
# - "a branch normally has ≤ 50 members" (members on the roll, any status);
# - "a party group ≥ 3 members". NOT CHECKED: members belong to branches (Member.branch), no
#   record says which party group a member is in, so a group's size cannot be computed;
# - "remind before it expires" (换届): how long before is a local rule, 90 days by default;
# - a term that has expired cites the length of a term of that kind of unit (what its end date
#   came from), not the reminder's lead time, which decides nothing once the term is over.
RULE_KEYS: dict[str, str] = {
    "org.branch.min_full_members": "branch.min_full_members",
    "org.branch.committee_from_full_members": "branch.committee_threshold",
    "org.branch.committee_min_positions": "branch.committee_min_positions",
    "org.branch.max_members": "branch.max_members",
    "org.party_group.min_members": "party_group.min_members",
    "org.term.reminder_days": "term.warning_days",
    "org.term.committee_years": "term.committee_years",
    "org.term.second_level_years": "term.second_level_years",
    "org.term.branch_years": "term.branch_years",
}
TERM_LENGTH: dict[str, str] = {
    OrgUnit.Kind.COMMITTEE: "org.term.committee_years",
    OrgUnit.Kind.SECOND_LEVEL: "org.term.second_level_years",
    OrgUnit.Kind.GENERAL_BRANCH: "org.term.branch_years",
    OrgUnit.Kind.BRANCH: "org.term.branch_years",
}

# The numbers in force today, looked up by the local names (one rule per lookup; the tree pages
# resolve them all at once through ``attach_warnings``).
RULE_DEFAULTS = RuleMapping(RULE_KEYS)

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
    rule: str  # the rule-set key it came from
    message: str
    citation: str = ""  # the rule's title and citation (or the institution's reason)


def warning_rules(*, on: date) -> dict[str, RuleValue]:
    """The rules the warnings read, in force on ``on``, by local name (two queries)."""
    resolved = rules_for(RULE_KEYS.values(), on=on)
    return {name: resolved[key] for name, key in RULE_KEYS.items()}


def unit_warnings(
    entry: TreeUnit, *, today: date, rules: Mapping[str, RuleValue] | None = None
) -> list[StructuralWarning]:
    """The warnings of one annotated unit (no query when ``rules`` is given)."""
    rules = rules if rules is not None else warning_rules(on=today)
    unit = entry.unit
    found: list[StructuralWarning] = []

    def warn(code: str, rule: str, message: str) -> None:
        source = rules[rule]
        found.append(StructuralWarning(unit.pk, unit.name, code, source.key, message, source.explanation))

    if unit.closed_on is not None:
        return found
    if unit.kind == OrgUnit.Kind.BRANCH:
        minimum = rules["org.branch.min_full_members"].number
        if entry.full_member_count < minimum:
            warn(
                BRANCH_TOO_SMALL,
                "org.branch.min_full_members",
                _("正式党员 %(n)s 人，少于 %(min)s 人") % {"n": entry.full_member_count, "min": minimum},
            )
        threshold = rules["org.branch.committee_from_full_members"].number
        if (
            entry.full_member_count >= threshold
            and entry.committee_positions < rules["org.branch.committee_min_positions"].number
        ):
            warn(
                COMMITTEE_MISSING,
                "org.branch.committee_from_full_members",
                _("正式党员 %(n)s 人，应设支部委员会") % {"n": entry.full_member_count},
            )
        maximum = rules["org.branch.max_members"].number
        if entry.member_count > maximum:
            warn(
                BRANCH_TOO_LARGE,
                "org.branch.max_members",
                _("党员 %(n)s 人，超过 %(max)s 人") % {"n": entry.member_count, "max": maximum},
            )
    if entry.term_ends_on is not None:
        if entry.term_ends_on < today:
            length = TERM_LENGTH.get(unit.kind, "org.term.branch_years")
            warn(TERM_EXPIRED, length, _("届期已于 %(d)s 届满") % {"d": entry.term_ends_on})
        elif entry.term_ends_on <= today + timedelta(days=rules["org.term.reminder_days"].number):
            warn(TERM_ENDING, "org.term.reminder_days", _("届期将于 %(d)s 届满") % {"d": entry.term_ends_on})
    return found


def attach_warnings(tree: Iterable[TreeUnit], *, today: date | None = None) -> list[StructuralWarning]:
    """Fill each unit's ``warnings`` and return them all, in tree order."""
    day = today or timezone.localdate()
    rules = warning_rules(on=day)
    everything: list[StructuralWarning] = []
    for entry in tree:
        entry.warnings = unit_warnings(entry, today=day, rules=rules)
        everything.extend(entry.warnings)
    return everything


def org_tree_warnings(*, root: OrgUnit | None = None, today: date | None = None) -> list[StructuralWarning]:
    """Every warning of the tree (or ``root``'s subtree): three queries (the tree, the rules)."""
    day = today or timezone.localdate()
    return attach_warnings(org_tree(root=root, on=day), today=day)
