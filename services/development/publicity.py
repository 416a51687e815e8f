"""The development publicity (公示) on the 党务公开 board: recording the branch committee's review,
the step that holds the publicity's first and last day, publishes a notice to the branch naming
the candidate (and nothing else about them) with the window counted in working days as the
publicity guard counts it (``development.publicity_working_days``). Recorded again (a corrected
window), the same notice changes; the board takes it down after the window's last day."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from services.openness.models import BoardItem
from services.openness.services import publish_item
from services.workdays.calendar import CalendarNotPublished, working_days_between

from .guards import publicity_guard, publicity_of
from .models import Dossier


def publicity_publish(*, acting_user: Any, dossier: Dossier) -> BoardItem | None:
    """Publish (or correct) the dossier's publicity notice; None while no window can be counted
    (no start recorded, or the working-day calendar of those days not published)."""
    start, end = publicity_of(dossier)
    if start is None:
        return None
    guard = publicity_guard(start=start, end=end)
    last = end or guard.satisfied_on
    if last is None:
        return None
    try:
        days = working_days_between(start, last)
    except CalendarNotPublished:
        return None
    window = {"start": start.isoformat(), "end": last.isoformat(), "days": days}
    return publish_item(
        acting_user=acting_user,
        kind=BoardItem.Kind.DEVELOPMENT_PUBLICITY,
        unit=dossier.branch,
        title=_("发展对象公示：%(name)s") % {"name": dossier.name},
        body=_(
            "%(branch)s拟将%(name)s同志作为发展对象报上级党委预审，现予公示。\n"
            "公示期：%(start)s 至 %(end)s，共 %(days)s 个工作日（%(rule)s）。\n"
            "公示期间，党员和群众如有意见，可向党支部反映。"
        )
        % {"branch": dossier.branch.name, "name": dossier.name, "rule": guard.title, **window},
        source_key=f"development:publicity:{dossier.pk}",
        published_on=start,
        ends_on=last,
    )
