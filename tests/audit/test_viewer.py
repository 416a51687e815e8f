from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.accounts.models import User
from services.audit.models import AuditEvent
from services.organization.models import AdminGrant, OrgUnit
from services.organization.services import org_unit_create
from tenants.models import Institution
from tests.audit.support import insert_event
from tests.conftest import client_for, in_schema, make_user

URL = "/audit/"


@pytest.fixture
def in_a(inst_a: Institution) -> Iterator[Institution]:
    with in_schema(inst_a):
        yield inst_a


@pytest.fixture
def admin(in_a: Institution) -> User:
    return make_user(in_a, username="audit_admin", is_superuser=True)


def _rows(response: Any) -> int:
    return len(response.context["events"])


def test_the_url_is_the_audit_log() -> None:
    assert reverse("audit:log") == URL


def test_a_signed_out_visitor_is_sent_to_sign_in(in_a: Institution) -> None:
    response = client_for(in_a).get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_only_institution_admins_read_the_log(in_a: Institution) -> None:
    committee = org_unit_create(name="中共甲大学委员会", kind=OrgUnit.Kind.COMMITTEE)
    college = org_unit_create(name="计算机学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
    plain = make_user(in_a, username="plain")
    college_admin = make_user(in_a, username="college_office")
    AdminGrant.objects.create(user=college_admin, unit=college, role=AdminGrant.Role.UNIT_ADMIN)
    office = make_user(in_a, username="org_office")
    AdminGrant.objects.create(user=office, unit=committee, role=AdminGrant.Role.INSTITUTION_ADMIN)
    superuser = make_user(in_a, username="root", is_superuser=True)

    assert client_for(in_a, plain).get(URL).status_code == 403
    assert client_for(in_a, college_admin).get(URL).status_code == 403
    assert client_for(in_a, office).get(URL).status_code == 200
    assert client_for(in_a, superuser).get(URL).status_code == 200


def test_filters_by_event_actor_and_object(in_a: Institution, admin: User) -> None:
    now = datetime.now(UTC)
    insert_event(occurred_at=now, event="auth.login", actor_username="zhang")
    insert_event(occurred_at=now, event="auth.logout", actor_username="zhang")
    insert_event(occurred_at=now, event="auth.login", actor_username="li")
    insert_event(
        occurred_at=now, event="member.updated", actor_username="li", object_type="members.member", object_id="42"
    )
    insert_event(
        occurred_at=now, event="member.updated", actor_username="li", object_type="members.member", object_id="43"
    )
    client = client_for(in_a, admin)

    def rows(**query: str) -> int:
        return _rows(client.get(URL, query))

    assert rows(event="auth.login") == 2
    assert rows(actor="zhang") == 2
    assert rows(actor="li", event="auth.login") == 1
    assert rows(object_type="members.member") == 2
    assert rows(object_type="members.member", object_id="42") == 1


def test_dates_are_days_of_the_site_time_zone(in_a: Institution, admin: User) -> None:
    # 17:00 UTC on 1 January is 01:00 on 2 January in Shanghai.
    insert_event(occurred_at=datetime(2026, 1, 1, 17, 0, tzinfo=UTC), actor_username="night_owl")
    client = client_for(in_a, admin)
    on_the_2nd = client.get(URL, {"actor": "night_owl", "date_from": "2026-01-02", "date_to": "2026-01-02"})
    assert "2026-01-02 01:00:00" in on_the_2nd.content.decode()
    assert _rows(on_the_2nd) == 1
    on_the_1st = client.get(URL, {"actor": "night_owl", "date_to": "2026-01-01"})
    assert _rows(on_the_1st) == 0


def test_pages_of_fifty_newest_first_without_overlap(in_a: Institution, admin: User) -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for n in range(120):
        insert_event(occurred_at=start + timedelta(minutes=n), actor_username="pager")
    # rows 50 to 52 share one instant, across the first page boundary: the cursor's id breaks the tie
    for _ in range(2):
        insert_event(occurred_at=start + timedelta(minutes=70), actor_username="pager")
    client = client_for(in_a, admin)
    seen: list[str] = []
    query: dict[str, str] = {"actor": "pager"}
    pages = 0
    while True:
        response = client.get(URL, query)
        pages += 1
        assert pages <= 3
        events = list(response.context["events"])
        assert len(events) <= 50
        seen += [str(e.pk) for e in events]
        cursor = response.context["next_query"]
        if not cursor:
            break
        query = dict(parse_qsl(cursor))
    assert pages == 3
    assert len(seen) == len(set(seen)) == 122
    with in_schema(in_a):
        ordered = list(
            AuditEvent.objects.filter(actor_username="pager")
            .order_by("-occurred_at", "-id")
            .values_list("pk", flat=True)
        )
    assert seen == [str(pk) for pk in ordered]


def test_a_page_costs_the_same_queries_however_many_rows(in_a: Institution, admin: User) -> None:
    client = client_for(in_a, admin)
    client.get(URL)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"event": "auth.login"}).status_code == 200
        return len(queries.captured_queries)

    now = datetime.now(UTC)
    for _ in range(3):
        insert_event(occurred_at=now)
    few = count()
    for _ in range(80):
        insert_event(occurred_at=now)
    assert count() == few


def test_rows_show_their_registered_label_or_an_unknown_code(in_a: Institution, admin: User) -> None:
    now = datetime.now(UTC)
    insert_event(occurred_at=now, event="transfer.letter_sent", actor_username="zhang")
    insert_event(occurred_at=now, event="retired.long_ago", actor_username="zhang")
    page = client_for(in_a, admin).get(URL).content.decode()
    assert "开具平台内介绍信" in page
    assert "retired.long_ago" in page


def test_the_filter_offers_every_registered_event(in_a: Institution, admin: User) -> None:
    from services.kernel.audit_events import registered

    form = client_for(in_a, admin).get(URL).context["form"]
    offered = [code for code, _label in form.fields["event"].choices]
    assert offered == ["", *registered()]
    assert {"auth.login", "transfer.arrived", "development.vote_outcome", "task.retried"} <= set(offered)
