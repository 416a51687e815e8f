"""The navigation of institution pages (partycloud/navigation.py): every destination a role has,
the phone's four on the bar and the rest under "更多", the page's own destination marked."""

from __future__ import annotations

from typing import cast

import pytest

from partycloud.navigation import Destination, Navigation
from services.accounts.models import User
from services.organization.models import Position
from services.reminders.models import Reminder
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.members.helpers import build_tree, person, unit_admin

EVERYONE = {
    "/",
    "/members/me/",
    "/org/",
    "/rules/",
    "/documents/",
    "/orglife/mine/",
    "/dues/mine/",
    "/surveys/",
    "/openness/",
    "/reports/",
    "/exams/",
    "/study/",
    "/reminders/",
}
# Those who see part of the tree without managing it (a propaganda commissioner).
SEEING = EVERYONE | {"/members/", "/orglife/board/", "/standards/"}
MANAGING = {
    "/members/",
    "/orglife/board/",
    "/dues/",
    "/development/",
    "/votes/",
    "/transfers/",
    "/members/import/",
    "/accounts/manage/",
    "/standards/",
}


def _navigation(inst: Institution, user: User, path: str = "/") -> Navigation:
    response = client_for(inst, user).get(path)
    assert response.status_code == 200, path
    return cast(Navigation, response.context["navigation"])


def _urls(items: tuple[Destination, ...]) -> list[str]:
    return [item.url for item in items]


# The institution's administrators' own destinations: the audit log and the annual statistics.
ADMINISTERING = {"/audit/", "/statistics/", "/dashboard/"}


@pytest.fixture
def people(inst_a: Institution) -> dict[str, User]:
    with in_schema(inst_a):
        tree = build_tree()
        return {
            "member": person(tree.branch_x, "nav_member"),
            "secretary": person(tree.branch_x, "nav_secretary", Position.Kind.SECRETARY),
            "viewer": person(tree.branch_x, "nav_viewer", Position.Kind.PROPAGANDA),  # sees, does not manage
            "college_admin": unit_admin(tree.college, "nav_college_admin"),
            "admin": make_user(inst_a, username="nav_admin", is_superuser=True),
        }


@pytest.mark.parametrize(
    ("who", "destinations", "bar"),
    [
        ("member", EVERYONE, ["/", "/members/me/", "/documents/", "/reminders/"]),
        ("viewer", SEEING, ["/", "/members/", "/documents/", "/reminders/"]),
        ("secretary", EVERYONE | MANAGING, ["/", "/members/", "/development/", "/reminders/"]),
        ("college_admin", EVERYONE | MANAGING, ["/", "/members/", "/development/", "/reminders/"]),
        ("admin", EVERYONE | MANAGING | ADMINISTERING, ["/", "/members/", "/development/", "/reminders/"]),
    ],
)
def test_each_role_has_its_destinations_four_on_the_bar_and_the_rest_under_more(
    inst_a: Institution, people: dict[str, User], who: str, destinations: set[str], bar: list[str]
) -> None:
    navigation = _navigation(inst_a, people[who])
    assert set(_urls(navigation.destinations)) == destinations
    assert _urls(navigation.primary) == bar
    assert sorted(_urls(navigation.more)) == sorted(destinations - set(bar))


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", "home"),
        ("/members/", "roster"),
        ("/members/me/", "me"),
        ("/members/import/", "import"),
        ("/votes/new/", "votes"),
        ("/orglife/board/", "orglife_board"),
        ("/search/?q=x", None),
    ],
)
def test_the_page_marks_its_own_destination(
    inst_a: Institution, people: dict[str, User], path: str, current: str | None
) -> None:
    navigation = _navigation(inst_a, people["secretary"], path)
    assert [d.name for d in navigation.destinations if d.current] == ([current] if current else [])
    assert navigation.more_current == (current in {"me", "import", "votes", "orglife_board"})


def test_reminders_carry_the_unread_count_on_the_bar(inst_a: Institution, people: dict[str, User]) -> None:
    member = people["member"]
    with in_schema(inst_a):
        for n in range(3):
            Reminder.objects.create(recipient=member, key=f"k{n}", source="s", kind="s", title="t", due_on="2026-01-01")
    navigation = _navigation(inst_a, member)
    [reminders] = [d for d in navigation.primary if d.name == "reminders"]
    assert reminders.badge == 3
    body = client_for(inst_a, member).get("/").content.decode()
    assert body.count('<span class="visually-hidden">未读提醒 </span>3</span>') == 2  # desktop strip and phone bar


def test_the_phone_sheet_is_a_labelled_dialog_reached_by_a_link_without_javascript(
    inst_a: Institution, people: dict[str, User]
) -> None:
    body = client_for(inst_a, people["secretary"]).get("/").content.decode()
    assert 'href="#site-more" data-sheet-open' in body  # a plain link to the sheet before app.js upgrades it
    assert 'id="site-more" role="dialog" aria-modal="true" aria-labelledby="site-more-title"' in body
    assert 'href="/votes/"' in body.split('id="site-more"', 1)[1]
