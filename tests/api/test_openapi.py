"""The OpenAPI schemas say what the API does: both ways to sign in, every error it answers in
the one error shape, bounded text in every request body, the response bodies it really sends."""

from __future__ import annotations

from typing import Any

import pytest

from tenants.models import Institution
from tests.conftest import client_for

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def institution_schema(inst_a: Institution) -> dict[str, Any]:
    return client_for(inst_a).get("/api/schema/?format=json").json()


@pytest.fixture
def console_schema(db: None) -> dict[str, Any]:
    return client_for(None).get("/api/schema/?format=json").json()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.mark.parametrize("which", ["institution_schema", "console_schema"])
def test_bearer_tokens_are_declared_next_to_the_cookie(request: pytest.FixtureRequest, which: str) -> None:
    schema = request.getfixturevalue(which)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    secured = [op for _p, _m, op in _operations(schema) if _signed_in(op)]
    assert secured and all({"bearerAuth": []} in op["security"] for op in secured)


@pytest.mark.parametrize("which", ["institution_schema", "console_schema"])
def test_every_operation_documents_its_errors_in_the_one_error_shape(
    request: pytest.FixtureRequest, which: str
) -> None:
    schema = request.getfixturevalue(which)
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"detail", "code"}
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        expected = {"400", "401", "403"}
        expected |= {"404"} if "{" in path else set()
        assert expected <= set(responses), (method, path, sorted(responses))
        assert responses["403"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def _signed_in(operation: dict[str, Any]) -> bool:
    """Whether the operation needs a signed-in caller ({} in its security: anyone)."""
    return bool(operation.get("security")) and {} not in operation["security"]


@pytest.mark.parametrize("which", ["institution_schema", "console_schema"])
def test_every_text_in_a_request_body_is_bounded(request: pytest.FixtureRequest, which: str) -> None:
    schema = request.getfixturevalue(which)
    unbounded = []
    for name, component in schema["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for field, prop in component.get("properties", {}).items():
            if _is_free_string(prop) and "maxLength" not in prop:
                unbounded.append(f"{name}.{field}")
    assert unbounded == []


def _is_free_string(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "string" and "format" not in prop and "enum" not in prop and not prop.get("readOnly")


def test_the_token_list_promises_no_secret_and_creation_returns_it(institution_schema: dict[str, Any]) -> None:
    paths = institution_schema["paths"]
    listed = paths["/api/auth/tokens/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    created = paths["/api/auth/tokens/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    components = institution_schema["components"]["schemas"]

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        return components[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema

    item = resolve(resolve(listed)["properties"]["results"]["items"])
    assert "token" not in item["properties"]
    assert "token" in resolve(created)["properties"]


def test_pagination_parameters_state_their_bounds(institution_schema: dict[str, Any]) -> None:
    parameters = {p["name"]: p["schema"] for p in institution_schema["paths"]["/api/members/"]["get"]["parameters"]}
    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert parameters["offset"] == {"type": "integer", "minimum": 0, "maximum": 10**9}
    assert parameters["branch"]["maximum"] == 2**63 - 1


def test_the_roster_import_api_is_in_the_schema(institution_schema: dict[str, Any]) -> None:
    paths = institution_schema["paths"]
    assert "multipart/form-data" in paths["/api/members/imports/"]["post"]["requestBody"]["content"]
    assert "202" in paths["/api/members/imports/{id}/confirm/"]["post"]["responses"]
    assert "get" in paths["/api/members/imports/{id}/"]


def test_the_console_schema_offers_the_restore_of_an_archive_with_a_bounded_body(
    console_schema: dict[str, Any],
) -> None:
    operation = console_schema["paths"]["/api/institutions/restore/"]["post"]
    assert {"201", "400", "401", "403"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = console_schema["components"]["schemas"][body]["properties"]
    assert properties["archive"]["maxLength"] == 300 and properties["confirmation"]["maxLength"] == 30


def test_the_schema_is_made_once_per_site_and_language(inst_a: Institution, monkeypatch: pytest.MonkeyPatch) -> None:
    from drf_spectacular.generators import SchemaGenerator

    from partycloud.schema_view import SchemaView

    monkeypatch.setattr(SchemaView, "_made", {})
    made: list[str] = []
    real = SchemaGenerator.get_schema

    def counting(self: SchemaGenerator, *args: Any, **kwargs: Any) -> Any:
        made.append(str(self.urlconf))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    client = client_for(inst_a)
    first = client.get("/api/schema/?format=json").json()
    assert client.get("/api/schema/?format=json").json() == first
    assert made == ["partycloud.urls_tenant"]
    english = client.get("/api/schema/?format=json&lang=en").json()
    assert made == ["partycloud.urls_tenant", "partycloud.urls_tenant"]  # each language its own
    assert english["paths"].keys() == first["paths"].keys()
    client_for(None).get("/api/schema/?format=json")
    assert made[-1] == "partycloud.urls_public" and len(made) == 3
