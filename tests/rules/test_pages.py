from __future__ import annotations

from datetime import date

from services.accounts.models import User
from services.rule_overrides.models import RuleOverride
from tenants.models import Institution
from tests.conftest import client_for, in_schema


def test_the_page_lists_the_rules_in_force_with_source_and_citation(inst_a: Institution, plain: User) -> None:
    with in_schema(inst_a):
        RuleOverride.objects.create(
            key="branch.max_members", value=40, effective_from=date(2020, 1, 1), reason="本校规定"
        )
    body = client_for(inst_a, plain).get("/rules/").content.decode()
    assert "规则设置" in body and "全市标准" in body and "本校调整" in body
    assert "《中华人民共和国网络安全法》第二十一条" in body and "本校规定" in body
    assert "本校调整规则" not in body  # no form for a non-admin


def test_a_non_admin_cannot_post_an_override(inst_a: Institution, plain: User) -> None:
    response = client_for(inst_a, plain).post("/rules/", {"key": "branch.max_members"})
    assert response.status_code == 403


def test_an_admin_adds_an_override_on_the_page(inst_a: Institution, admin: User) -> None:
    client = client_for(inst_a, admin)
    response = client.post(
        "/rules/",
        {"key": "branch.max_members", "value": "45", "effective_from": "2020-01-01", "reason": "试点"},
    )
    assert response.status_code == 302
    with in_schema(inst_a):
        assert RuleOverride.objects.get().value == 45
    assert "试点" in client.get("/rules/").content.decode()


def test_the_page_explains_a_wrong_value_in_chinese(inst_a: Institution, admin: User) -> None:
    response = client_for(inst_a, admin).post(
        "/rules/",
        {"key": "branch.max_members", "value": "四十", "effective_from": "2020-01-01", "reason": ""},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "取值格式不对" in body and "请填写调整理由" in body
    with in_schema(inst_a):
        assert not RuleOverride.objects.exists()


def test_the_api_lists_the_rules_for_anyone_signed_in(inst_a: Institution, plain: User) -> None:
    body = client_for(inst_a, plain).get("/api/rules/").json()
    by_key = {item["key"]: item for item in body}
    assert by_key["branch.max_members"]["value"] == 50
    assert by_key["branch.max_members"]["source"] == "standard"
    assert by_key["dues.student_monthly_yuan"]["value"] == "0.20"


def test_the_api_override_is_for_admins_only(inst_a: Institution, admin: User, plain: User) -> None:
    payload = {"key": "branch.max_members", "value": 40, "effective_from": "2020-01-01", "reason": "试点"}
    refused = client_for(inst_a, plain).post("/api/rules/overrides/", payload, content_type="application/json")
    assert refused.status_code == 403
    created = client_for(inst_a, admin).post("/api/rules/overrides/", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["value"] == 40
    wrong = client_for(inst_a, admin).post(
        "/api/rules/overrides/", {**payload, "value": "40"}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "value" in wrong.json()
    listed = {item["key"]: item for item in client_for(inst_a, admin).get("/api/rules/").json()}
    assert listed["branch.max_members"]["source"] == "institution"
