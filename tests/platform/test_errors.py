"""Errors outside DRF's own handling: API paths answer the API's JSON error body, pages a Chinese page."""

from __future__ import annotations

from django.test import RequestFactory

from partycloud import errors
from tenants.models import Institution
from tests.conftest import client_for, host_of


def test_an_unknown_api_path_is_a_json_404_in_the_api_shape(inst_a: Institution) -> None:
    response = client_for(inst_a).get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_an_unknown_page_is_the_chinese_404_page(inst_a: Institution) -> None:
    response = client_for(inst_a).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_server_error_on_an_api_path_is_json_and_on_a_page_html(inst_a: Institution) -> None:
    factory = RequestFactory(HTTP_HOST=host_of(inst_a))
    api = errors.server_error(factory.get("/api/members/"))
    assert api.status_code == 500
    assert api["Content-Type"].startswith("application/json")
    assert api.content.decode() == '{"detail": "服务器出错了，请稍后重试。", "code": "server_error"}'
    page = errors.server_error(factory.get("/members/"))
    assert page.status_code == 500
    assert "服务器出错了" in page.content.decode()


def test_a_bad_request_on_an_api_path_is_json_and_on_a_page_the_chinese_400_page(inst_a: Institution) -> None:
    factory = RequestFactory(HTTP_HOST=host_of(inst_a))
    api = errors.bad_request(factory.get("/api/members/"), ValueError("x"))
    assert (api.status_code, api["Content-Type"].split(";")[0]) == (400, "application/json")
    assert b'"code": "bad_request"' in api.content
    page = errors.bad_request(factory.get("/members/"), ValueError("x"))
    assert page.status_code == 400
    assert "请求有误" in page.content.decode()
