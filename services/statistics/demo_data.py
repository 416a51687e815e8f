"""Demo data of 党内统计年报 (console/demo.py runs ``seed_institution`` in each demo institution):
the demo roster has no education on record, so the members without one get a plausible one (the
education table would otherwise be all "未填写"); then last year's and this year's tables are
published, so the console's sum has something to show. Idempotent."""

from __future__ import annotations

import random
from typing import Any

from services.members.models import Member

from .services import recent_tables_publish

EDUCATION = {
    Member.Category.STUDENT: (("大学本科", 0.7), ("硕士研究生", 0.25), ("大学专科", 0.05)),
    Member.Category.FACULTY: (("博士研究生", 0.45), ("硕士研究生", 0.35), ("大学本科", 0.2)),
}


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    for category, choices in EDUCATION.items():
        ids = list(Member.objects.filter(category=category, education="").order_by("pk").values_list("pk", flat=True))
        chosen: dict[str, list[int]] = {}
        for pk in ids:
            value = rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]
            chosen.setdefault(value, []).append(pk)
        for value, pks in chosen.items():
            Member.objects.filter(pk__in=pks).update(education=value)
    recent_tables_publish(institution=institution)
