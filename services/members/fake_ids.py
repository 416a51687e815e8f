"""Made-up resident identity card numbers that pass national_id.is_valid(), for demo data, tests
and benchmarks (the console's demo seeding, services/development/demo_data.py)."""

from __future__ import annotations

import random
from datetime import date

from . import national_id

REGIONS = ["110108", "110105", "120101", "310104", "320102", "330106", "370102", "420111", "440106", "510107", "610113"]


def fake_national_id(rng: random.Random, born: date, male: bool) -> str:
    sequence = rng.randrange(0, 100) * 10 + (rng.choice((1, 3, 5, 7, 9)) if male else rng.choice((0, 2, 4, 6, 8)))
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{sequence:03d}"
    return first17 + national_id.check_digit(first17)
