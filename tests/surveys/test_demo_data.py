"""The surveys demo: in the demo member's branch an open anonymous questionnaire the member has not
answered, an open named solicitation on a draft, and a closed questionnaire whose results show;
once only."""

from __future__ import annotations

import random

from services.surveys.demo_data import seed_institution
from services.surveys.models import Participation, Survey
from services.surveys.results import survey_results
from services.surveys.selectors import my_surveys
from tenants.models import Institution

from .conftest import World


def test_the_demo_gives_the_member_an_open_anonymous_survey_and_closed_results(
    world: World, inst_a: Institution
) -> None:
    demo = world.members[0]
    demo.username = "member"
    demo.save(update_fields=["username"])
    seed_institution(institution=inst_a, rng=random.Random(0))
    rows = my_surveys(acting_user=demo)
    open_anonymous = [r for r in rows if r["survey"].status == "open" and r["survey"].mode == "anonymous"]
    assert open_anonymous and not open_anonymous[0]["answered"]
    assert any(r["survey"].mode == "named" and r["survey"].status == "open" for r in rows)
    closed = Survey.objects.get(status=Survey.Status.CLOSED)
    assert not Participation.objects.filter(survey=closed, user=demo).exists()
    assert not survey_results(survey=closed).hidden
    seed_institution(institution=inst_a, rng=random.Random(1))
    assert Survey.objects.count() == 3
