"""Online study measured by the server (docs/study.md#heartbeats).

A material's page, once visible, asks to begin (``study_open``): the material must be in one of
the account's study plans for the year; the server issues the page a token (``tab``) and makes it
the account's one presence — a page opened later, of this material or another, takes it over, so
two tabs never count twice and only one material counts at a time. While the page stays visible
it sends a heartbeat every ``BEAT_SECONDS``; each is one UPDATE … RETURNING (``study_beat``) that
credits the time since the previous beat of the same page — nothing if that gap is longer than
``GAP_SECONDS`` (the page was hidden, the phone slept: the session ended, the next beat starts a
new one) — and never more than the material's length in the year.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Material, Plan, Presence, Progress
from .people import groups_of

BEAT_SECONDS = 30  # how often a visible page beats (the page's script reads it from the page)
GAP_SECONDS = 75  # a longer silence ends the session: one lost beat is forgiven (60 s), two are not

_BEAT = """
UPDATE study_progress AS g
SET credited_seconds = LEAST(
        g.cap_seconds,
        g.credited_seconds + CASE
            WHEN g.last_beat_at IS NOT NULL AND now() > g.last_beat_at
                 AND now() - g.last_beat_at <= make_interval(secs => %(gap)s)
            THEN floor(extract(epoch FROM now() - g.last_beat_at))::int
            ELSE 0
        END),
    -- A credited gap moves the mark by the whole seconds credited: the fraction left over counts
    -- with the next beat instead of being lost at every beat.
    last_beat_at = CASE
        WHEN g.last_beat_at IS NOT NULL AND now() > g.last_beat_at
             AND now() - g.last_beat_at <= make_interval(secs => %(gap)s)
        THEN g.last_beat_at + make_interval(secs => floor(extract(epoch FROM now() - g.last_beat_at)))
        ELSE now()
    END
FROM study_presence AS p
WHERE p.user_id = %(user)s AND p.tab = %(tab)s AND p.material_id = %(material)s
  AND g.user_id = p.user_id AND g.material_id = p.material_id AND g.year = %(year)s
RETURNING g.credited_seconds, g.cap_seconds
"""


@dataclass(frozen=True)
class Beat:
    """What a heartbeat did: ``code`` is empty when it counted, else why it did not."""

    credited_seconds: int = 0
    cap_seconds: int = 0
    code: str = ""
    detail: str = ""

    @property
    def counted(self) -> bool:
        return not self.code


def material_in_plan(*, user: Any, material: Material, year: int) -> bool:
    groups = groups_of(user=user, on=timezone.localdate())
    return Plan.objects.filter(year=year, group__in=groups, materials=material).exists()


def _material(material_id: int) -> Material:
    material = Material.objects.filter(pk=material_id).first()
    if material is None:
        raise ValidationError(_("没有这份学习资料（编号 %(id)s），学习时长不会计入。") % {"id": material_id})
    return material


def study_open(*, acting_user: Any, material_id: int) -> tuple[str, Progress]:
    """Begin studying a material in a new page: its token and the year's progress."""
    material = _material(material_id)
    year = timezone.localdate().year
    if not material_in_plan(user=acting_user, material=material, year=year):
        raise ValidationError(
            _("《%(title)s》不在您 %(year)s 年的学习计划中，学习时长不计入。") % {"title": material.title, "year": year}
        )
    tab = secrets.token_hex(16)
    with transaction.atomic():
        Presence.objects.update_or_create(
            user=acting_user, defaults={"material": material, "tab": tab, "opened_at": timezone.now()}
        )
        progress, _created = Progress.objects.get_or_create(
            user=acting_user, material=material, year=year, defaults={"cap_seconds": material.length_minutes * 60}
        )
        progress.last_beat_at = None  # the new page's first beat begins its session; it credits nothing
        progress.save(update_fields=["last_beat_at"])
    return tab, progress


def study_beat(*, acting_user: Any, material_id: int, tab: str) -> Beat:
    """One heartbeat of a visible page: one statement when it counts."""
    params = {"user": acting_user.pk, "tab": tab, "material": material_id, "year": timezone.localdate().year}
    params["gap"] = GAP_SECONDS
    with connection.cursor() as cursor:
        cursor.execute(_BEAT, params)
        row = cursor.fetchone()
    if row is not None:
        return Beat(credited_seconds=row[0], cap_seconds=row[1])
    return _why_not(acting_user=acting_user, material_id=material_id, tab=tab)


def _why_not(*, acting_user: Any, material_id: int, tab: str) -> Beat:
    """Why a heartbeat counted nothing (the slow path: only when it did not count)."""
    material = _material(material_id)
    presence = Presence.objects.filter(user=acting_user).first()
    if presence is not None and presence.tab != tab and presence.material_id == material.pk:
        return Beat(code="other_tab", detail=_("这份资料已在另一个页面打开，本页面不再计时；请在最新打开的页面学习。"))
    if presence is not None and presence.material_id != material.pk:
        return Beat(
            code="other_material",
            detail=_("您已打开另一份学习资料，同一时间只计一份资料的学习时长；本页面不再计时。"),
        )
    return Beat(code="not_started", detail=_("本页面的学习尚未开始或已过期，请刷新页面。"))
