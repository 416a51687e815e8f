"""The API's JSON parser: what Python's json accepts but nothing after it can hold is a Chinese
400 parse error (it was a RecursionError, an OverflowError, or a NUL reaching PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from services.members.models import Member
from tenants.models import Institution
from tests.api.helpers import admin_client, assert_problem
from tests.conftest import in_schema
from tests.factories import MemberFactory


@pytest.fixture
def member(inst_a: Institution) -> Member:
    with in_schema(inst_a):
        return MemberFactory(name="王小明")


def _patch(inst_a: Institution, member: Member, body: str):  # type: ignore[no-untyped-def]
    client, _ = admin_client(inst_a)
    return client.patch(f"/api/members/{member.pk}/", body, content_type="application/json")


def test_json_nested_5000_levels_deep_is_a_400_not_a_recursion_error(inst_a: Institution, member: Member) -> None:
    body = '{"name": ' + "[" * 5000 + "]" * 5000 + "}"
    assert_problem(_patch(inst_a, member, body), code="parse_error", mentions="JSON")


def test_json_nested_deeper_than_the_limit_is_refused_even_below_pythons_recursion_limit(
    inst_a: Institution, member: Member
) -> None:
    body = '{"name": ' + "[" * 100 + "]" * 100 + "}"
    assert_problem(_patch(inst_a, member, body), code="parse_error", mentions="嵌套")


def test_a_number_that_overflows_to_infinity_is_a_400_not_an_overflow_error(
    inst_a: Institution, member: Member
) -> None:
    assert_problem(_patch(inst_a, member, '{"branch": 1e999999}'), code="parse_error", mentions="数字")


@pytest.mark.parametrize("number", ["9223372036854775808", "-9223372036854775809", "1" * 5000])
def test_an_integer_outside_64_bits_is_a_400(inst_a: Institution, member: Member, number: str) -> None:
    assert_problem(_patch(inst_a, member, f'{{"branch": {number}}}'), code="parse_error")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_constants_are_a_400(inst_a: Institution, member: Member, constant: str) -> None:
    assert_problem(_patch(inst_a, member, f'{{"branch": {constant}}}'), code="parse_error")


@pytest.mark.parametrize("text", ["a\\u0000", "ok\\ud800", "\\udfff", "a\\u0007"])
def test_a_nul_a_control_character_or_a_lone_surrogate_in_a_string_is_a_400(
    inst_a: Institution, member: Member, text: str
) -> None:
    assert_problem(_patch(inst_a, member, f'{{"name": "{text}"}}'), code="parse_error", mentions="字符")
    with in_schema(inst_a):
        assert Member.objects.get(pk=member.pk).name == "王小明"


def test_a_bad_key_is_refused_too(inst_a: Institution, member: Member) -> None:
    assert_problem(_patch(inst_a, member, '{"a\\u0000": 1}'), code="parse_error")


def test_the_national_export_reason_with_a_nul_or_a_lone_surrogate_is_a_400(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    for reason in ("a\\u0000", "ok\\ud800"):
        response = client.post(
            "/api/members/export/national/", f'{{"reason": "{reason}"}}', content_type="application/json"
        )
        assert_problem(response, code="parse_error")


def test_malformed_json_is_explained_in_chinese_with_its_position(inst_a: Institution, member: Member) -> None:
    body = assert_problem(_patch(inst_a, member, '{"name": '), code="parse_error")
    assert body["detail"].startswith("请求正文不是有效的 JSON") and "第 1 行" in body["detail"]


def test_invalid_utf8_in_a_json_body_is_a_400(inst_a: Institution, member: Member) -> None:
    client, _ = admin_client(inst_a)
    response = client.patch(f"/api/members/{member.pk}/", b'{"name": "\xff"}', content_type="application/json")
    assert_problem(response, code="parse_error")


def test_tabs_and_line_breaks_in_json_strings_pass_the_parser(inst_a: Institution, member: Member) -> None:
    """The parser refuses what no field may hold; single-line fields refuse line breaks themselves."""
    from services.kernel.parsers import StrictJSONParser

    data = StrictJSONParser().parse(_Stream(json.dumps({"note": "a\tb\r\nc", "n": 12, "x": 1.5}).encode()))
    assert data == {"note": "a\tb\r\nc", "n": 12, "x": 1.5}


class _Stream:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        return self.data
