"""The arithmetic of a vote at the branch member meeting (支部党员大会), pure: no database.

《中国共产党发展党员工作细则》(2014):
- 第二十条: the meeting is valid only if the voting members present are more than half of those
  entitled to attend and vote (rule ``votes.quorum_fraction`` = 1/2, strict ">");
- 第二十一条: a candidate is admitted only if the yes votes are more than half of the full members
  entitled to vote (rule ``votes.majority_fraction`` = 1/2, strict ">"); written opinions handed in
  before the meeting by entitled members who cannot attend are counted in the votes (but a written
  opinion is not presence); two or more candidates are discussed and voted on one by one;
- 第三十三条: the confirmation meeting (预备党员转正) has the same requirements.

Probationary members never vote (《中国共产党章程》第七条), so "entitled" is the number of full
members on the electorate after approved exclusions. A fraction is strict: with 10 entitled,
6 present is a quorum and 5 is not; 6 yes passes and 5 fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _

QUORUM_KEY = "votes.quorum_fraction"
MAJORITY_KEY = "votes.majority_fraction"

PASSED = "passed"
FAILED = "failed"
INVALID = "invalid"  # the meeting had no quorum: no candidate could be voted on


class VoteArithmeticError(ValueError):
    """The numbers do not add up. ``field`` names the wrong number (a form field or a candidate's
    count); the message says in Chinese which number is wrong and why."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_fraction(value: object) -> Fraction:
    """A rule value: "1/2", 0.5, "0.5" or [1, 2]."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return Fraction(int(value[0]), int(value[1]))
    if isinstance(value, float):
        return Fraction(str(value))
    return Fraction(str(value))


def more_than(count: int, whole: int, fraction: Fraction) -> bool:
    """``count > whole * fraction`` in exact arithmetic (no float rounding at the boundary)."""
    return count * fraction.denominator > whole * fraction.numerator


def minimum_more_than(whole: int, fraction: Fraction) -> int:
    """The smallest count that is more than ``whole * fraction`` (what the page shows as "至少")."""
    return (whole * fraction.numerator) // fraction.denominator + 1


@dataclass(frozen=True)
class Tally:
    """One candidate's counts, written opinions included; ``written_*`` is the part of each count
    that came from written opinions (the rest are ballots cast at the meeting)."""

    label: str
    yes: int
    no: int
    abstain: int
    written_yes: int = 0
    written_no: int = 0
    written_abstain: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class CandidateResult:
    label: str
    outcome: str
    yes: int
    needed: int  # the smallest number of yes votes that passes


@dataclass(frozen=True)
class MeetingResult:
    entitled: int
    present: int
    written: int
    quorum: bool
    quorum_needed: int  # the smallest presence that makes a quorum
    majority_needed: int
    candidates: list[CandidateResult] = field(default_factory=list)


def _check_count(value: int, *, name: str, label: str) -> None:
    if value < 0:
        raise VoteArithmeticError(
            _("%(label)s不能是负数（填了 %(value)s）。") % {"label": label, "value": value}, field=name
        )


def evaluate(
    *,
    entitled: int,
    present: int,
    written: int,
    tallies: Sequence[Tally],
    quorum_fraction: Fraction,
    majority_fraction: Fraction,
) -> MeetingResult:
    """Check the numbers and decide each candidate. Raises ``VoteArithmeticError`` naming the
    wrong number. ``entitled``: full members entitled to vote; ``present``: of them, present;
    ``written``: of the absent ones, those who handed in a written opinion."""
    _check_meeting(entitled=entitled, present=present, written=written)
    quorum = more_than(present, entitled, quorum_fraction)
    result = MeetingResult(
        entitled=entitled,
        present=present,
        written=written,
        quorum=quorum,
        quorum_needed=minimum_more_than(entitled, quorum_fraction),
        majority_needed=minimum_more_than(entitled, majority_fraction),
    )
    if not tallies:
        raise VoteArithmeticError(_("没有表决对象。"), field="candidates")
    if not quorum:
        # No quorum: the meeting cannot vote (细则第二十条); counts, if any, are ignored.
        result.candidates.extend(
            CandidateResult(label=t.label, outcome=INVALID, yes=0, needed=result.majority_needed) for t in tallies
        )
        return result
    for index, tally in enumerate(tallies):
        prefix = f"candidate-{index}"
        _check_counts(tally, prefix=prefix)
        _check_sums(tally, prefix=prefix, present=present, written=written)
        passed = more_than(tally.yes, entitled, majority_fraction)
        result.candidates.append(
            CandidateResult(
                label=tally.label, outcome=PASSED if passed else FAILED, yes=tally.yes, needed=result.majority_needed
            )
        )
    return result


def _check_meeting(*, entitled: int, present: int, written: int) -> None:
    """The meeting's numbers: none negative, someone entitled, no more present than entitled, and
    written opinions only from the absent."""
    _check_count(entitled, name="entitled", label=_("应到会有表决权人数"))
    _check_count(present, name="present", label=_("实到会有表决权人数"))
    _check_count(written, name="written", label=_("书面意见份数"))
    if entitled == 0:
        raise VoteArithmeticError(_("应到会有表决权的正式党员为 0 人，无法表决。"), field="entitled")
    if present > entitled:
        raise VoteArithmeticError(
            _("实到会有表决权人数 %(present)s 超过了应到会有表决权人数 %(entitled)s。")
            % {"present": present, "entitled": entitled},
            field="present",
        )
    if present + written > entitled:
        raise VoteArithmeticError(
            _("书面意见 %(written)s 份只能来自未到会的有表决权党员（最多 %(absent)s 人）。")
            % {"written": written, "absent": entitled - present},
            field="written",
        )


def _check_counts(tally: Tally, *, prefix: str) -> None:
    """No count of a candidate is negative."""
    for name, value, label in (
        ("yes", tally.yes, _("赞成票")),
        ("no", tally.no, _("反对票")),
        ("abstain", tally.abstain, _("弃权票")),
        ("written_yes", tally.written_yes, _("书面赞成")),
        ("written_no", tally.written_no, _("书面反对")),
        ("written_abstain", tally.written_abstain, _("书面弃权")),
    ):
        _check_count(
            value,
            name=f"{prefix}-{name}",
            label=_("%(candidate)s的%(count)s") % {"candidate": tally.label, "count": label},
        )


def _check_sums(tally: Tally, *, prefix: str, present: int, written: int) -> None:
    """A candidate's ballots are one per voter present plus one per written opinion; the written
    opinions add up to their number, and each kind of written opinion fits in its count."""
    expected = present + written
    if tally.total != expected:
        raise VoteArithmeticError(
            _(
                "%(label)s：赞成 %(yes)s + 反对 %(no)s + 弃权 %(abstain)s = %(total)s，"
                "应等于实到会有表决权人数 %(present)s 加书面意见 %(written)s 份，共 %(expected)s。"
            )
            % {
                "label": tally.label,
                "yes": tally.yes,
                "no": tally.no,
                "abstain": tally.abstain,
                "total": tally.total,
                "present": present,
                "written": written,
                "expected": expected,
            },
            field=f"{prefix}-{'yes' if tally.total > expected else 'abstain'}",
        )
    written_total = tally.written_yes + tally.written_no + tally.written_abstain
    if written_total != written:
        raise VoteArithmeticError(
            _("%(label)s：书面意见中的赞成、反对、弃权合计 %(total)s 份，应等于书面意见 %(written)s 份。")
            % {"label": tally.label, "total": written_total, "written": written},
            field=f"{prefix}-written_yes",
        )
    for name, part, whole, label in (
        ("yes", tally.written_yes, tally.yes, _("赞成")),
        ("no", tally.written_no, tally.no, _("反对")),
        ("abstain", tally.written_abstain, tally.abstain, _("弃权")),
    ):
        if part > whole:
            raise VoteArithmeticError(
                _("%(label)s：书面%(kind)s %(part)s 份多于%(kind)s票总数 %(whole)s。")
                % {"label": tally.label, "kind": label, "part": part, "whole": whole},
                field=f"{prefix}-{name}",
            )
