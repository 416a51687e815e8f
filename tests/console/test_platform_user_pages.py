"""The console's 平台账号 pages and /api/platform-users/ (console/platform_user_views.py,
console/api.py): what an operator sees and does, in Chinese and in English."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console import platform_users
from services.accounts.models import User
from tests.conftest import client_for, host_of, in_schema
from tests.console.test_platform_users import NEW_PASSWORD, _api, _path

# --- pages ------------------------------------------------------------------------------------


def test_the_link_page_sets_the_password_and_then_is_dead(operator: User) -> None:
    _, link = platform_users.platform_user_create(username="li", role="operator", acting_user=operator)
    assert link is not None
    client = Client(HTTP_HOST=host_of(None))
    assert "<code>li</code>" in client.get(_path(link)).content.decode()
    weak = client.post(_path(link), {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200 and "errorlist" in weak.content.decode()
    done = client.post(_path(link), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url.startswith("/accounts/login/")
    assert "链接无效或已过期" in client.get(_path(link)).content.decode()


def test_the_page_lists_accounts_and_creates_one_with_a_link_shown_once(operator: User, committee_user: User) -> None:
    client = client_for(None, operator)
    page = client.get("/platform-users/").content.decode()
    assert "committee1" in page and "市教育工委" in page and "从未登录" in page
    created = client.post("/platform-users/", {"username": "sun", "display_name": "孙", "role": "operator"})
    body = created.content.decode()
    assert created.status_code == 200 and "/platform-users/set-password/" in body
    assert "no-store" in created["Cache-Control"]
    with in_schema("public"):
        assert User.objects.get(username="sun").platform_role == "operator"
    taken = client.post("/platform-users/", {"username": "sun", "role": "operator"})
    assert "已被使用" in taken.content.decode()


def test_the_pages_disable_and_delete(operator: User, committee_user: User) -> None:
    client = client_for(None, operator)
    detail = f"/platform-users/{committee_user.pk}/"
    assert "永久删除" in client.get(detail).content.decode()
    assert client.post(f"{detail}disable/").url == detail
    with in_schema("public"):
        assert not User.objects.get(pk=committee_user.pk).is_active
    refused = client.post(f"{detail}delete/", {"confirmation": "wrong"}, follow=True)
    assert "确认内容与用户名不一致" in refused.content.decode()
    assert client.post(f"{detail}delete/", {"confirmation": "committee1"}).url == "/platform-users/"
    with in_schema("public"):
        assert not User.objects.filter(pk=committee_user.pk).exists()


def test_the_own_account_page_offers_no_destructive_action(operator: User) -> None:
    page = client_for(None, operator).get(f"/platform-users/{operator.pk}/").content.decode()
    assert "永久删除" not in page and "这是您自己的账号" in page


# --- API --------------------------------------------------------------------------------------


def test_the_api_creates_lists_disables_and_deletes(operator: User) -> None:
    api = _api(operator)
    created = api.post(
        "/api/platform-users/", {"username": "qian", "role": "committee"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body: dict[str, Any] = created.json()
    assert body["user"]["role"] == "committee" and "/platform-users/set-password/" in body["set_password_url"]
    pk = body["user"]["id"]
    assert "qian" in {row["username"] for row in api.get("/api/platform-users/").json()["results"]}
    assert api.post(f"/api/platform-users/{pk}/disable/").json()["is_active"] is False
    assert api.post(f"/api/platform-users/{pk}/enable/").json()["is_active"] is True
    assert "set_password_url" in api.post(f"/api/platform-users/{pk}/link/").json()
    wrong = api.post(f"/api/platform-users/{pk}/delete/", {"confirmation": "x"}, content_type="application/json")
    assert wrong.status_code == 400 and "confirmation" in wrong.json()
    deleted = api.post(f"/api/platform-users/{pk}/delete/", {"confirmation": "qian"}, content_type="application/json")
    assert deleted.status_code == 204


def test_the_api_refuses_the_operators_own_account_in_the_error_shape(operator: User) -> None:
    refused = _api(operator).post(f"/api/platform-users/{operator.pk}/disable/")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "不能停用自己的账号。"


def test_the_committee_cannot_use_the_api(committee_user: User) -> None:
    refused = _api(committee_user).get("/api/platform-users/")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有平台运维人员可以管理平台账号。"


@pytest.mark.parametrize("page", ["/platform-users/", "detail"])
def test_the_english_pages_have_no_chinese_chrome(operator: User, committee_user: User, page: str) -> None:
    from tests.platform.test_translations import _english, _leftover_chinese, _switcher_names

    path = f"/platform-users/{committee_user.pk}/" if page == "detail" else page
    html = _english(client_for(None, operator)).get(path).content.decode()
    data = [str(user) for user in (operator, committee_user)] + [operator.display_name, committee_user.display_name]
    leftovers = _leftover_chinese(html, [*data, *_switcher_names()])
    assert not leftovers, "\n".join(leftovers)


def test_the_openapi_schema_describes_the_platform_user_routes(operator: User) -> None:
    schema = client_for(None, operator).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("", "{id}/", "{id}/disable/", "{id}/enable/", "{id}/link/", "{id}/delete/"):
        assert f"/api/platform-users/{path}" in schema["paths"]
    created = schema["paths"]["/api/platform-users/"]["post"]["responses"]["201"]
    assert "PlatformUserCreated" in str(created)
