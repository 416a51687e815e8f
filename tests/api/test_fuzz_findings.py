"""What schemathesis found, one regression test each (see test_fuzz.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from tenants.models import Institution
from tests.api.helpers import admin_client, assert_problem
from tests.conftest import client_for, make_user


@pytest.fixture
def schema(inst_a: Institution) -> dict[str, Any]:
    return client_for(inst_a).get("/api/schema/?format=json").json()


def _component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]


def test_an_unknown_object_is_a_404_in_chinese_with_its_code(inst_a: Institution) -> None:
    """get_object()'s Http404 lost the code and kept Django's English ("No Member matches…")."""
    client, _ = admin_client(inst_a)
    for url in ("/api/members/999999/", "/api/members/999999/history/", "/api/development/dossiers/999999/guards/"):
        assert client.get(url).json() == {"detail": "未找到。", "code": "not_found"}


def test_an_empty_email_is_what_the_user_schema_allows(schema: dict[str, Any]) -> None:
    assert "format" not in _component(schema, "User")["properties"]["email"]


def test_the_structural_warnings_are_documented_as_the_plain_list_they_are(schema: dict[str, Any]) -> None:
    response = schema["paths"]["/api/org-units/warnings/"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"]["type"] == "array"


def test_delete_on_the_institutions_api_is_refused_not_a_500(db: None) -> None:
    """The ``delete`` action was taken for the DELETE handler of every institution route."""
    operator = make_user(None, username="del_op", platform_role="operator", is_staff=True)
    client = client_for(None, operator)
    for url in ("/api/institutions/", "/api/institutions/alpha/"):
        response = client.delete(url)
        assert response.status_code == 405
        assert "DELETE" not in client.options(url)["Allow"]


def test_a_member_record_does_not_advertise_put(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    from tests.conftest import in_schema
    from tests.factories import MemberFactory

    with in_schema(inst_a):
        member = MemberFactory()
    assert "PUT" not in client.options(f"/api/members/{member.pk}/")["Allow"]
    assert client.put(f"/api/members/{member.pk}/", {}, content_type="application/json").status_code == 405


def test_an_elector_not_yet_recorded_has_a_presence_the_schema_allows(schema: dict[str, Any]) -> None:
    presence = _component(schema, "Elector")["properties"]["presence"]
    allowed = presence.get("enum") or [
        value for option in presence.get("oneOf", presence.get("allOf", [])) for value in _enum(schema, option)
    ]
    assert "" in allowed


def _enum(schema: dict[str, Any], option: dict[str, Any]) -> list[str]:
    if "$ref" in option:
        return list(_component(schema, option["$ref"].rsplit("/", 1)[1]).get("enum", []))
    return list(option.get("enum", []))


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/auth/tokens/", {"name": 0}, "name"),
        ("/api/org-units/", {"name": "支部", "kind": "branch", "sort_order": "5"}, "sort_order"),
        ("/api/members/export/national/", {"reason": {}}, "reason"),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused_not_coerced(
    inst_a: Institution, url: str, body: dict[str, Any], field: str
) -> None:
    client, _ = admin_client(inst_a)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_a_json_body_that_is_not_an_object_is_a_400_not_a_500(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    for body in ("true", "1", '"x"', "null"):
        assert client.post("/api/auth/tokens/", body, content_type="application/json").status_code == 400


def test_a_field_sent_empty_in_a_form_is_refused_not_replaced_by_its_default(inst_a: Institution) -> None:
    cache.clear()
    make_user(inst_a, username="form_user")
    response = client_for(inst_a).post(
        "/api/auth/token/", {"username": "form_user", "password": "Test-pass-2026!", "name": ""}
    )
    assert response.status_code == 400 and "name" in response.json()


def test_a_search_in_a_unit_the_caller_does_not_see_is_a_404(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    assert_problem(client.get("/api/search/", {"q": "x", "unit": 2**63 - 2}), status=404, code="not_found")


@pytest.mark.parametrize("query", ["day_to=", "branch=", "status=", "limit="])
def test_an_empty_typed_query_parameter_is_a_400_on_the_api(inst_a: Institution, query: str) -> None:
    client, _ = admin_client(inst_a)
    url = "/api/search/?q=x&" if query.startswith("day") else "/api/members/?"
    assert_problem(client.get(url + query), code="invalid_parameter", mentions="不能为空")


def test_an_empty_filter_on_a_page_means_not_given(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    assert client.get("/development/", {"branch": "", "q": ""}).status_code == 200
    assert client.get("/reminders/", {"state": "", "kind": ""}).status_code == 200


def test_a_status_path_with_something_other_than_a_job_id_is_a_404(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    assert client.get("/api/members/import/0/status/").status_code == 404
    assert client.get("/api/transfers/batches/0/status/").status_code == 404


def test_the_console_api_takes_json_only(db: None) -> None:
    operator = make_user(None, username="json_op", platform_role="operator", is_staff=True)
    response = client_for(None, operator).post("/api/institutions/", {"code": "a0", "name": "x", "admin_username": ""})
    assert response.status_code == 415


def test_text_query_parameters_state_that_they_take_no_control_characters(schema: dict[str, Any]) -> None:
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/reminders/"]["get"]["parameters"]}
    assert parameters["kind"]["pattern"] == "^[^\\u0000-\\u001f\\u007f]*$"


def test_creating_a_transfer_for_an_unknown_member_is_a_documented_404(schema: dict[str, Any]) -> None:
    assert "404" in schema["paths"]["/api/transfers/"]["post"]["responses"]
