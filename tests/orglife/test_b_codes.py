"""The rotating check-in code: bound to the meeting and the time slice, accepted in its slice and
the next one, refused after that (as expired) and for another meeting (as wrong)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from services.orglife.checkin_codes import Check, check, current_code, normalize, slice_index

SECRET = "a" * 64
OTHER_SECRET = "b" * 64
AT = datetime(2026, 12, 5, 6, 0, 3, tzinfo=UTC)  # 3 s into a 10 s slice


def test_the_code_has_a_short_token_and_six_digits() -> None:
    code = current_code(SECRET, 7, AT)
    assert len(code.token) == 16 and code.token.isalnum() and code.token == code.token.lower()
    assert len(code.digits) == 6 and code.digits.isdigit()
    assert code.seconds_left == 7
    assert code.slice_index == slice_index(AT)


def test_it_changes_with_the_slice_and_the_meeting() -> None:
    now, later = current_code(SECRET, 7, AT), current_code(SECRET, 7, AT + timedelta(seconds=10))
    assert now.token != later.token and now.slice_index + 1 == later.slice_index
    assert current_code(SECRET, 8, AT).token != now.token
    assert current_code(OTHER_SECRET, 7, AT).token != now.token


@pytest.mark.parametrize("field", ["token", "digits"])
def test_accepted_in_its_slice_and_the_next_refused_after(field: str) -> None:
    value = getattr(current_code(SECRET, 7, AT), field)
    assert check(SECRET, 7, value, AT) == Check.VALID
    assert check(SECRET, 7, value, AT + timedelta(seconds=16)) == Check.VALID  # the screen just changed
    assert check(SECRET, 7, value, AT + timedelta(seconds=17)) == Check.EXPIRED
    assert check(SECRET, 7, value, AT + timedelta(hours=2)) == Check.EXPIRED


@pytest.mark.parametrize("field", ["token", "digits"])
def test_another_meetings_code_is_wrong(field: str) -> None:
    value = getattr(current_code(OTHER_SECRET, 9, AT), field)
    assert check(SECRET, 7, value, AT) == Check.WRONG


def test_garbage_is_wrong() -> None:
    for value in ("", "   ", "x" * 40, "zzzz", "12345"):
        assert check(SECRET, 7, value, AT) == Check.WRONG


def test_typed_codes_are_normalized() -> None:
    digits = current_code(SECRET, 7, AT).digits
    assert check(SECRET, 7, f" {digits[:3]} {digits[3:]} ", AT) == Check.VALID
    assert normalize(" AB-cd ") == "abcd"


@override_settings(ORGLIFE_CHECKIN_SLICE_SECONDS=30)
def test_the_slice_length_is_a_setting() -> None:
    value = current_code(SECRET, 7, AT).token
    assert check(SECRET, 7, value, AT + timedelta(seconds=50)) == Check.VALID
    assert check(SECRET, 7, value, AT + timedelta(seconds=57)) == Check.EXPIRED
