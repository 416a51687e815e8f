"""The pure arithmetic of the branch member meeting (services/votes/counting.py), at its boundaries."""

from __future__ import annotations

from fractions import Fraction

import pytest

from services.votes.counting import (
    FAILED,
    INVALID,
    PASSED,
    Tally,
    VoteArithmeticError,
    evaluate,
    minimum_more_than,
    more_than,
    parse_fraction,
)

HALF = Fraction(1, 2)


def run(entitled: int, present: int, written: int, *tallies: Tally) -> object:
    return evaluate(
        entitled=entitled,
        present=present,
        written=written,
        tallies=list(tallies) or [Tally("甲", yes=present + written, no=0, abstain=0)],
        quorum_fraction=HALF,
        majority_fraction=HALF,
    )


def test_entitled_10_present_6_is_a_quorum() -> None:
    assert run(10, 6, 0).quorum  # type: ignore[attr-defined]


def test_entitled_10_present_5_exactly_half_is_no_quorum_and_nothing_is_decided() -> None:
    result = run(10, 5, 0, Tally("甲", yes=5, no=0, abstain=0))
    assert not result.quorum  # type: ignore[attr-defined]
    assert [c.outcome for c in result.candidates] == [INVALID]  # type: ignore[attr-defined]


def test_yes_6_of_10_entitled_passes() -> None:
    result = run(10, 8, 0, Tally("甲", yes=6, no=1, abstain=1))
    assert result.candidates[0].outcome == PASSED  # type: ignore[attr-defined]


def test_yes_5_of_10_exactly_half_fails() -> None:
    result = run(10, 8, 0, Tally("甲", yes=5, no=2, abstain=1))
    assert result.candidates[0].outcome == FAILED  # type: ignore[attr-defined]
    assert result.candidates[0].needed == 6  # type: ignore[attr-defined]


def test_written_opinions_count_toward_the_majority_but_not_toward_presence() -> None:
    # 10 entitled, 5 present + 3 written: no quorum (written opinions are not presence).
    assert not run(10, 5, 3, Tally("甲", yes=8, no=0, abstain=0, written_yes=3)).quorum  # type: ignore[attr-defined]
    # 6 present + 1 written yes: yes 6 counts the written one and passes; without it 5 would fail.
    result = run(10, 6, 1, Tally("甲", yes=6, no=1, abstain=0, written_yes=1))
    assert result.quorum and result.candidates[0].outcome == PASSED  # type: ignore[attr-defined]


def test_odd_electorate_of_9() -> None:
    assert run(9, 5, 0).quorum  # type: ignore[attr-defined]
    assert not run(9, 4, 0, Tally("甲", yes=4, no=0, abstain=0)).quorum  # type: ignore[attr-defined]
    assert run(9, 7, 0, Tally("甲", yes=5, no=2, abstain=0)).candidates[0].outcome == PASSED  # type: ignore[attr-defined]
    assert run(9, 7, 0, Tally("甲", yes=4, no=3, abstain=0)).candidates[0].outcome == FAILED  # type: ignore[attr-defined]


def test_each_candidate_is_decided_separately() -> None:
    result = run(10, 8, 0, Tally("甲", yes=7, no=1, abstain=0), Tally("乙", yes=4, no=4, abstain=0))
    assert [c.outcome for c in result.candidates] == [PASSED, FAILED]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("entitled", "present", "written", "tally", "field", "words"),
    [
        (10, 8, 0, Tally("甲", yes=6, no=1, abstain=0), "candidate-0-abstain", "应等于实到会有表决权人数 8"),
        (10, 8, 0, Tally("甲", yes=6, no=2, abstain=1), "candidate-0-yes", "= 9"),
        (10, 11, 0, Tally("甲", yes=11, no=0, abstain=0), "present", "超过了应到会有表决权人数 10"),
        (10, 8, 3, Tally("甲", yes=11, no=0, abstain=0, written_yes=3), "written", "最多 2 人"),
        (10, 8, 0, Tally("甲", yes=-1, no=9, abstain=0), "candidate-0-yes", "不能是负数"),
        (0, 0, 0, Tally("甲", yes=0, no=0, abstain=0), "entitled", "为 0 人"),
        (
            10,
            6,
            2,
            Tally("甲", yes=7, no=1, abstain=0, written_no=2),
            "candidate-0-no",
            "书面反对 2 份多于反对票总数 1",
        ),
        (
            10,
            6,
            2,
            Tally("甲", yes=8, no=0, abstain=0, written_yes=1),
            "candidate-0-written_yes",
            "应等于书面意见 2 份",
        ),
    ],
)
def test_counts_that_do_not_add_up_name_the_wrong_number(
    entitled: int, present: int, written: int, tally: Tally, field: str, words: str
) -> None:
    with pytest.raises(VoteArithmeticError) as raised:
        run(entitled, present, written, tally)
    assert raised.value.field == field
    assert words in raised.value.message


def test_more_than_is_strict_and_exact() -> None:
    assert not more_than(5, 10, HALF)
    assert more_than(6, 10, HALF)
    assert more_than(5, 9, HALF)
    assert not more_than(4, 9, HALF)
    assert not more_than(2, 3, Fraction(2, 3))
    assert minimum_more_than(10, HALF) == 6
    assert minimum_more_than(9, HALF) == 5
    assert minimum_more_than(1, HALF) == 1


@pytest.mark.parametrize("entitled", range(1, 60))
def test_the_minimum_is_the_boundary_for_every_size(entitled: int) -> None:
    needed = minimum_more_than(entitled, HALF)
    assert more_than(needed, entitled, HALF)
    assert not more_than(needed - 1, entitled, HALF)
    assert needed == entitled // 2 + 1


@pytest.mark.parametrize(("value", "expected"), [("1/2", HALF), (0.5, HALF), ("2/3", Fraction(2, 3)), ([1, 2], HALF)])
def test_rule_values_parse_as_fractions(value: object, expected: Fraction) -> None:
    assert parse_fraction(value) == expected
