"""The inbox page, the nav count, the preference page and the API: always the caller's own."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from services.accounts.models import User
from services.reminders.models import Reminder, ReminderPreference
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user


def _reminder(
    user: User, title: str, *, days: int, kind: str = "members.probation_ending", **fields: object
) -> Reminder:
    today = timezone.localdate()
    return Reminder.objects.create(
        recipient=user,
        key=f"{kind}:{title}",
        source=kind,
        kind=kind,
        title=title,
        due_on=today + timedelta(days=days),
        rule_key="probation.months",
        citation="预备期（《中国共产党章程》 第七条）",
        **fields,
    )


def test_inbox_lists_overdue_first_then_by_due_date_with_the_citation(inst_a: Institution) -> None:
    user = make_user(inst_a, username="inbox_user")
    with in_schema(inst_a):
        _reminder(user, "十天后到期", days=10)
        _reminder(user, "已逾期事项", days=-3)
        _reminder(user, "明天到期", days=1)
        _reminder(user, "已解除事项", days=2, resolved_at=timezone.now())
    body = client_for(inst_a, user).get("/reminders/").content.decode()
    assert body.index("已逾期事项") < body.index("明天到期") < body.index("十天后到期")
    assert "已解除事项" not in body
    assert "《中国共产党章程》" in body
    resolved = client_for(inst_a, user).get("/reminders/?state=resolved").content.decode()
    assert "已解除事项" in resolved and "明天到期" not in resolved


def test_inbox_filters_by_kind(inst_a: Institution) -> None:
    user = make_user(inst_a, username="kind_user")
    with in_schema(inst_a):
        _reminder(user, "预备期事项", days=5)
        _reminder(user, "换届事项", days=5, kind="organization.term_ending")
    body = client_for(inst_a, user).get("/reminders/?kind=organization.term_ending").content.decode()
    assert "换届事项" in body and "预备期事项" not in body


def test_inbox_shows_only_my_reminders_and_another_users_id_is_404(inst_a: Institution) -> None:
    me = make_user(inst_a, username="me_user")
    other = make_user(inst_a, username="other_user")
    with in_schema(inst_a):
        _reminder(me, "我的事项", days=5)
        theirs = _reminder(other, "别人的事项", days=5)
    client = client_for(inst_a, me)
    body = client.get("/reminders/").content.decode()
    assert "我的事项" in body and "别人的事项" not in body
    assert client.post(f"/reminders/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/api/reminders/{theirs.pk}/read/").status_code == 404
    with in_schema(inst_a):
        assert Reminder.objects.get(pk=theirs.pk).read_at is None


def test_marking_read_lowers_the_unread_count_in_the_navigation(inst_a: Institution) -> None:
    user = make_user(inst_a, username="count_user")
    with in_schema(inst_a):
        first = _reminder(user, "事项一", days=5)
        _reminder(user, "事项二", days=6)
    client = client_for(inst_a, user)
    home = client.get("/").content.decode()
    assert '<span class="badge"' in home and ">2</span>" in home
    response = client.post(f"/reminders/{first.pk}/read/", {"next": "/reminders/?kind=x"})
    assert response.status_code == 302 and response.url == "/reminders/?kind=x"
    assert ">1</span>" in client.get("/").content.decode()
    client.post("/reminders/read-all/")
    with in_schema(inst_a):
        assert not Reminder.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_mark_read_never_redirects_to_another_host(inst_a: Institution) -> None:
    user = make_user(inst_a, username="redirect_user")
    with in_schema(inst_a):
        reminder = _reminder(user, "事项", days=5)
    response = client_for(inst_a, user).post(f"/reminders/{reminder.pk}/read/", {"next": "https://evil.example/"})
    assert response.url == "/reminders/"


def test_preference_page_saves_the_choice(inst_a: Institution) -> None:
    user = make_user(inst_a, username="pref_user")
    client = client_for(inst_a, user)
    page = client.get("/reminders/preferences/").content.decode()
    assert 'value="daily"' in page and "checked" in page
    response = client.post("/reminders/preferences/", {"email": "weekly"})
    assert response.status_code == 302
    with in_schema(inst_a):
        assert ReminderPreference.objects.get(user=user).email == ReminderPreference.Email.WEEKLY
    assert client.post("/reminders/preferences/", {"email": "hourly"}).status_code == 200  # form error


def test_api_lists_my_reminders_and_marks_one_read(inst_a: Institution) -> None:
    user = make_user(inst_a, username="api_user")
    with in_schema(inst_a):
        late = _reminder(user, "逾期", days=-1)
        _reminder(user, "将到期", days=3)
    client = client_for(inst_a, user)
    body = client.get("/api/reminders/").json()
    assert [r["title"] for r in body["results"]] == ["逾期", "将到期"]
    assert body["results"][0]["overdue"] is True and body["results"][0]["rule_key"] == "probation.months"
    marked = client.post(f"/api/reminders/{late.pk}/read/").json()
    assert marked["read"] is True
    assert client.post("/api/reminders/read-all/").json() == {"marked": 1}


def test_api_preferences_round_trip(inst_a: Institution) -> None:
    user = make_user(inst_a, username="api_pref")
    client = client_for(inst_a, user)
    assert client.get("/api/reminders/preferences/").json() == {"username": "api_pref", "email": "daily"}
    response = client.put("/api/reminders/preferences/", {"email": "immediate"}, content_type="application/json")
    assert response.json()["email"] == "immediate"
    bad = client.put("/api/reminders/preferences/", {"email": "hourly"}, content_type="application/json")
    assert bad.status_code == 400


def test_the_openapi_schema_describes_the_reminder_routes(inst_a: Institution) -> None:
    user = make_user(inst_a, username="schema_user")
    body = client_for(inst_a, user).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for route in ("/api/reminders/", "/api/reminders/{id}/read/", "/api/reminders/preferences/"):
        assert route in body


def test_every_registered_source_has_a_label_for_the_inbox_filter() -> None:
    from services.reminders.registry import sources
    from services.reminders.selectors import KIND_LABELS

    unnamed = set(sources()) - set(KIND_LABELS)
    assert not unnamed, f"add a label to services/reminders/selectors.py KIND_LABELS: {sorted(unnamed)}"
