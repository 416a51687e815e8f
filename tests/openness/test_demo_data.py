"""The demo board: the development demo puts one target's publicity on the board (through the
service, with its window), the openness demo a notice of the institution and one of the branch;
a second run adds nothing."""

from __future__ import annotations

import random
from datetime import date, timedelta

from services.development import demo_data as development_demo
from services.openness import demo_data, selectors
from services.openness.models import BoardItem
from services.organization.models import Position
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, UserFactory
from tests.members.helpers import build_tree


def test_the_demo_board_shows_a_development_publicity_with_its_window(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        user = UserFactory(username="secretary")
        secretary = MemberFactory(branch=tree.branch_x, user=user)
        Position.objects.create(
            member=secretary, unit=tree.branch_x, kind=Position.Kind.SECRETARY, started_on=date(2020, 1, 1)
        )
        for _ in range(3):
            MemberFactory(branch=tree.branch_x)
        make_user(inst_a, username="openness_demo_admin", is_superuser=True)
        for _ in range(2):
            development_demo.seed_institution(institution=inst_a, rng=random.Random(0))
            demo_data.seed_institution(institution=inst_a, rng=random.Random(0))
        assert BoardItem.objects.count() == 3
        reader = UserFactory(username="openness_demo_reader")
        MemberFactory(branch=tree.branch_x, user=reader)
        board = {item.kind: item for item in selectors.board_items(acting_user=reader)}
        publicity = board[BoardItem.Kind.DEVELOPMENT_PUBLICITY]
        assert publicity.published_on == date.today() - timedelta(days=2)
        assert publicity.ends_on is not None and publicity.ends_on >= date.today()
        assert "个工作日" in publicity.body
        assert BoardItem.Kind.NOTICE in board
