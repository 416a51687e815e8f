from __future__ import annotations

import pytest
from django.db import connection

from console.services import institution_resume, institution_suspend
from tenants.models import Institution
from tenants.routing import RouteCache
from tests.conftest import client_for, make_user


def test_unknown_host_gets_a_chinese_404_page(db: None) -> None:
    response = client_for(None).get("/", HTTP_HOST="nowhere.localhost")
    assert response.status_code == 404
    assert "没有找到该学校" in response.content.decode()
    assert "nowhere.localhost" in response.content.decode()


def test_unknown_host_api_answers_json_404(db: None) -> None:
    response = client_for(None).get("/api/me/", HTTP_HOST="nowhere.localhost")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_institution"


def test_institution_host_serves_its_own_login_page(inst_a: Institution) -> None:
    response = client_for(inst_a).get("/accounts/login/")
    assert response.status_code == 200
    assert inst_a.name in response.content.decode()


def test_console_host_serves_the_console_login(db: None) -> None:
    response = client_for(None).get("/accounts/login/")
    assert response.status_code == 200
    assert "平台管理登录" in response.content.decode()


def test_each_request_selects_its_own_schema_whatever_came_before(inst_a: Institution, inst_b: Institution) -> None:
    client_for(inst_a).get("/accounts/login/")
    assert connection.schema_name == inst_a.schema_name  # kept for streaming responses
    client_for(None).get("/accounts/login/")
    assert connection.schema_name == "public"
    client_for(None).get("/", HTTP_HOST="nowhere.localhost")
    assert connection.schema_name == "public"


def test_suspended_institution_shows_reason_page_and_api_403(
    inst_a: Institution, django_capture_on_commit_callbacks
) -> None:
    user = make_user(inst_a, username="u1")
    with django_capture_on_commit_callbacks(execute=True):
        institution_suspend(institution=inst_a, reason="欠费停用")
    page = client_for(inst_a, user).get("/")
    assert page.status_code == 403
    assert "本校平台已暂停使用" in page.content.decode() and "欠费停用" in page.content.decode()
    api = client_for(inst_a, user).get("/api/me/")
    assert api.status_code == 403
    assert api.json() == {"detail": "本校平台已暂停使用。", "reason": "欠费停用", "code": "institution_suspended"}

    with django_capture_on_commit_callbacks(execute=True):
        institution_resume(institution=Institution.objects.get(pk=inst_a.pk))
    assert client_for(inst_a, user).get("/api/me/").status_code == 200


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_route_cache_sees_another_process_suspension_after_ttl(inst_a: Institution) -> None:
    clock = FakeClock()
    cache = RouteCache(3, clock=clock)
    host = f"{inst_a.code}.localhost"
    assert cache.get(host).status == Institution.Status.ACTIVE
    # Another process suspends: the row changes, this process is not told.
    Institution.objects.filter(pk=inst_a.pk).update(status=Institution.Status.SUSPENDED)
    clock.now += 2.9
    assert cache.get(host).status == Institution.Status.ACTIVE  # still trusted within the TTL
    clock.now += 0.2
    assert cache.get(host).status == Institution.Status.SUSPENDED


def test_route_cache_answers_repeated_lookups_without_queries(inst_a: Institution, django_assert_num_queries) -> None:
    cache = RouteCache(60, clock=FakeClock())
    host = f"{inst_a.code}.localhost"
    cache.get(host)
    cache.get("unknown.localhost")
    with django_assert_num_queries(0):
        for _ in range(5):
            assert cache.get(host).pk == inst_a.pk
            assert cache.get("unknown.localhost") is None


@pytest.mark.parametrize("entries", [3])
def test_route_cache_is_bounded(entries: int, db: None) -> None:
    cache = RouteCache(60, max_entries=entries, clock=FakeClock())
    for i in range(10):
        cache.get(f"host{i}.localhost")
    assert len(cache._entries) == entries


def test_a_host_outside_allowed_hosts_is_refused_every_time(db: None) -> None:
    for _ in range(2):  # the second time too: only validated hosts are remembered
        assert client_for(None).get("/", HTTP_HOST="evil.example.com").status_code == 400


def test_unknown_path_on_a_known_host_gets_the_chinese_404_page(inst_a: Institution) -> None:
    response = client_for(inst_a).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and 'name="viewport"' in body
