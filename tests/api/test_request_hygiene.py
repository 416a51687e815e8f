"""Request hygiene: a NUL or another control character, a lone surrogate or invalid UTF-8 in the
path, the query string or a form-encoded body is a 400 before any view runs (it was a 500 where
PostgreSQL refused the NUL, and "��" saved over a name where Django decoded bad UTF-8)."""

from __future__ import annotations

import pytest

from partycloud.hygiene import _encoded_problem
from services.members.models import Member
from tenants.models import Institution
from tests.api.helpers import admin_client, assert_problem
from tests.conftest import in_schema
from tests.factories import MemberFactory

API_QUERIES = [
    "/api/members/?q=%00",
    "/api/members/?status=%00",
    "/api/members/?category=%00",
    "/api/development/dossiers/?q=%00",
    "/api/documents/?kind=%00",
    "/api/documents/?tag=%00",
    "/api/committee-documents/?tag=%00",
    "/api/search/?q=x&kind=%00",
    "/api/transfers/?kind=%00",
    "/api/reminders/?kind=%00",
    "/api/members/?q=%1f",
    "/api/members/?q=%ff",  # invalid UTF-8
    "/api/members/?q=%ed%a0%80",  # an encoded lone surrogate
    "/api/members/?%00=1",
]


@pytest.mark.parametrize("url", API_QUERIES)
def test_a_nul_byte_or_bad_encoding_in_an_api_query_parameter_is_a_400_not_a_500(inst_a: Institution, url: str) -> None:
    client, _ = admin_client(inst_a)
    assert_problem(client.get(url), code="invalid_characters", mentions="查询参数")


@pytest.mark.parametrize("url", ["/development/?q=%00", "/reminders/?kind=%00", "/transfers/new/?q=%00"])
def test_a_nul_byte_in_a_page_query_parameter_is_the_chinese_400_page(inst_a: Institution, url: str) -> None:
    client, _ = admin_client(inst_a)
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误" in page and "U+0000" in page


def test_a_nul_byte_in_the_path_is_a_400(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    assert_problem(client.get("/api/members/%00/"), code="invalid_characters", mentions="请求地址")


def test_invalid_utf8_in_a_form_encoded_patch_is_refused_and_the_name_is_kept(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    with in_schema(inst_a):
        member = MemberFactory(name="王小明")
    response = client.patch(
        f"/api/members/{member.pk}/", b"name=%ff%fe", content_type="application/x-www-form-urlencoded"
    )
    assert_problem(response, code="invalid_characters", mentions="表单字段")
    with in_schema(inst_a):
        assert Member.objects.get(pk=member.pk).name == "王小明"


def test_a_valid_form_encoded_patch_passes_the_hygiene_check(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    with in_schema(inst_a):
        member = MemberFactory(name="王小明")
    response = client.patch(
        f"/api/members/{member.pk}/",
        "native_place=%E4%B8%8A%E6%B5%B7",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    with in_schema(inst_a):
        assert Member.objects.get(pk=member.pk).native_place == "上海"


def test_free_text_in_a_form_body_may_hold_line_breaks_and_tabs_but_a_query_may_not() -> None:
    """The body check cannot know which field is free text: it refuses only what no field may
    hold; single-line fields refuse line breaks in their own validators (services/kernel/text.py)."""
    assert _encoded_problem(b"note=a%0D%0Ab%09c", free_text=True, where="表单字段") is None
    assert _encoded_problem(b"note=a%0Ab", free_text=False, where="查询参数") is not None
    assert _encoded_problem(b"note=a%07b", free_text=True, where="表单字段") is not None


def test_plain_chinese_in_a_query_is_untouched(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    with in_schema(inst_a):
        MemberFactory(name="王小明")
    response = client.get("/api/members/", {"q": "王小"})
    assert [row["name"] for row in response.json()["results"]] == ["王小明"]
