"""The navigation of institution pages: every destination the signed-in user's role has, in one
list, which ``base.html`` shows three ways —

- on a desktop, the whole list as the bar under the header;
- on a phone, the four destinations the role uses most as a bar at the bottom of the screen,
  with "更多" opening a sheet of all the others (and the account's links).

Who has which destination is the user's ``Scope`` (services/organization/scope.py): the roster for
anyone who sees a part of the tree, the management pages for managers, the audit log for the
institution's administrators. ``current`` marks the destination the page belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

EVERYONE, ROSTER, MANAGE, AUDIT = "everyone", "roster", "manage", "audit"

# (name, label, URL name, icon in partycloud/_icons.html, who has it), in the desktop bar's order.
DESTINATIONS: tuple[tuple[str, Any, str, str, str], ...] = (
    ("home", _("首页"), "home", "home", EVERYONE),
    ("me", _("我的档案"), "members:me", "person", EVERYONE),
    ("roster", _("党员名册"), "members:roster", "people", ROSTER),
    ("org", _("组织架构"), "organization:tree", "tree", EVERYONE),
    ("rules", _("规则设置"), "rules:page", "book", EVERYONE),
    ("documents", _("文档资料"), "documents:library", "doc", EVERYONE),
    ("orglife", _("组织生活"), "orglife:mine", "list", EVERYONE),
    ("dues_mine", _("我的党费"), "dues_mine:page", "book", EVERYONE),
    ("study", _("学习"), "study:mine", "book", EVERYONE),
    ("exams", _("考试"), "exams:home", "doc", EVERYONE),
    ("thought_reports", _("思想汇报"), "thought_reports:mine", "doc", EVERYONE),
    ("surveys", _("意见征集"), "surveys:list", "vote", EVERYONE),
    ("openness", _("党务公开"), "openness:board", "doc", EVERYONE),
    ("standards", _("标准化建设"), "standards:home", "flag", ROSTER),
    ("development", _("发展党员"), "development:board", "flag", MANAGE),
    ("votes", _("表决"), "votes:list", "vote", MANAGE),
    ("orglife_board", _("三会一课"), "orglife_board:board", "list", ROSTER),
    ("dues", _("党费收缴"), "dues:home", "list", MANAGE),
    ("transfers", _("组织关系转接"), "transfers:transfer_list", "swap", MANAGE),
    ("reminders", _("提醒"), "reminders:inbox", "bell", EVERYONE),
    ("import", _("导入党员"), "member_import:page", "upload", MANAGE),
    ("accounts", _("账号管理"), "activation:manage", "person", MANAGE),
    ("audit", _("审计日志"), "audit:log", "list", AUDIT),
    ("dashboard", _("党建看板"), "oversight:dashboard", "list", AUDIT),
    ("statistics", _("党内统计"), "statistics:tables", "list", AUDIT),
)

# The phone's bottom bar: what each role opens most, four at most (reminders always, with its
# unread count). Everything else is one tap away under "更多".
# On the bar a label has a fifth of a phone's width: where a translation needs a shorter word than
# the full name ("Member development"), the bar says it in its own context.
TAB_LABELS = {
    "me": pgettext_lazy("phone bar", "我的档案"),
    "roster": pgettext_lazy("phone bar", "党员名册"),
    "development": pgettext_lazy("phone bar", "发展党员"),
}

PRIMARY = {
    MANAGE: ("home", "roster", "development", "reminders"),
    ROSTER: ("home", "roster", "documents", "reminders"),
    EVERYONE: ("home", "me", "documents", "reminders"),
}


@dataclass(frozen=True)
class Destination:
    name: str
    label: str
    url: str
    icon: str
    tab_label: str = ""  # the label on the phone's bar
    current: bool = False
    badge: int = 0  # the unread reminders, on "提醒"


@dataclass(frozen=True)
class Navigation:
    destinations: tuple[Destination, ...]  # all of them, in order (the desktop bar)
    primary: tuple[Destination, ...]  # the phone's bottom bar
    more: tuple[Destination, ...]  # the phone's "更多" sheet: every destination not on the bar

    @property
    def more_current(self) -> bool:
        """The page belongs to a destination in the sheet: "更多" is the tab to highlight."""
        return any(destination.current for destination in self.more)


def _current(path: str, urls: dict[str, str]) -> str | None:
    """The destination whose address is the longest prefix of ``path`` ("/" only for itself)."""
    matches = [name for name, url in urls.items() if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=lambda name: len(urls[name]), default=None)


def navigation_for(request: HttpRequest) -> Navigation:
    """The destinations of the signed-in user of ``request`` (its scope: two queries, cached for the
    request; the unread count: one)."""
    from services.organization.scope import scope_for
    from services.reminders.selectors import unread_count

    scope = scope_for(request.user)
    entitled = {
        EVERYONE: True,
        ROSTER: scope.everything or bool(scope.seen_paths),
        MANAGE: scope.is_manager,
        AUDIT: scope.everything,
    }
    rows = [row for row in DESTINATIONS if entitled[row[4]]]
    urls = {name: reverse(url_name) for name, _label, url_name, _icon, _who in rows}
    current = _current(request.path, urls)
    unread = unread_count(user=request.user)
    destinations = tuple(
        Destination(
            name=name,
            label=str(label),
            url=urls[name],
            icon=icon,
            tab_label=str(TAB_LABELS.get(name, label)),
            current=name == current,
            badge=unread if name == "reminders" else 0,
        )
        for name, label, _url_name, icon, _who in rows
    )
    role = MANAGE if entitled[MANAGE] else ROSTER if entitled[ROSTER] else EVERYONE
    on_bar = PRIMARY[role]
    return Navigation(
        destinations=destinations,
        primary=tuple(d for name in on_bar for d in destinations if d.name == name),
        more=tuple(d for d in destinations if d.name not in on_bar),
    )
