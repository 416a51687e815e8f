"""When the facts are refreshed (docs/oversight.md#refresh): a write that changes them asks for a
refresh in its own transaction (gone with a rollback), never publishes inside it; the
institution's housekeeping publishes what was asked and clears the requests it covered; a failed
run leaves them; a committee notice asks every institution; deleting it takes its facts away."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from services.documents.models import Document
from services.orglife.models import Meeting
from services.oversight import services
from services.oversight.facts import SIGNED_PREFIX
from services.oversight.models import FactsRefresh, UnitFact
from services.oversight.services import facts_refresh_due
from services.rule_overrides.models import RuleOverride
from tenants.housekeeping import sweepers
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory, OrgUnitFactory

from .helpers import at

pytestmark = pytest.mark.django_db


def _requests(institution: Institution) -> list[int]:
    with in_schema("public"):
        return list(FactsRefresh.objects.filter(institution=institution).values_list("since_year", flat=True))


def _clear(institution: Institution) -> None:
    """Forget what setting up the test asked for."""
    with in_schema("public"):
        FactsRefresh.objects.filter(institution=institution).delete()


def _meeting(unit: object, year: int) -> Meeting:
    starts = at(year, 5, 1)
    return Meeting.objects.create(
        unit=unit, kind=Meeting.Kind.THEME_DAY, topic="主题党日", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )


def test_a_write_asks_for_a_refresh_that_commits_with_it(inst_a: Institution, inst_b: Institution) -> None:
    this_year = timezone.localdate().year
    with in_schema(inst_a):
        branch = OrgUnitFactory()
        _clear(inst_a)
        with pytest.raises(RuntimeError), transaction.atomic():
            _meeting(branch, this_year)
            assert len(_requests(inst_a)) == 1
            raise RuntimeError("rolled back")
        assert _requests(inst_a) == []  # gone with the write
        _meeting(branch, this_year - 1)
        assert _requests(inst_a) == [this_year - 1]
        assert not UnitFact.objects.filter(institution=inst_a).exists()  # nothing published in the write
    assert _requests(inst_b) == []


def test_a_write_in_an_old_year_refreshes_last_year_at_most(inst_a: Institution) -> None:
    this_year = timezone.localdate().year
    with in_schema(inst_a):
        branch = OrgUnitFactory()
        _clear(inst_a)
        _meeting(branch, 2010)
    assert _requests(inst_a) == [this_year - 1]


def test_a_rule_adjusted_by_the_institution_asks_from_the_year_it_takes_effect(inst_a: Institution) -> None:
    """The metrics reading it count differently, and their facts name another version."""
    this_year = timezone.localdate().year
    with in_schema(inst_a):
        _clear(inst_a)
        override = RuleOverride.objects.create(
            key="meetings.lecture_months", value=6, effective_from=date(this_year, 1, 1), reason="本校规定"
        )
        assert _requests(inst_a) == [this_year]
        override.delete()
    assert _requests(inst_a) == [this_year, this_year]


def test_housekeeping_publishes_what_was_asked_and_clears_it(inst_a: Institution) -> None:
    assert "oversight.facts" in {sweeper.name for sweeper in sweepers()}
    this_year = timezone.localdate().year
    with in_schema(inst_a):
        branch = OrgUnitFactory()
        for _ in range(5):
            MemberFactory(branch=branch)
        asked = len(_requests(inst_a))
        assert asked >= 5
        assert facts_refresh_due(institution=inst_a) == asked
        assert facts_refresh_due(institution=inst_a) == 0  # nothing asked since
    assert _requests(inst_a) == []
    with in_schema("public"):
        row = UnitFact.objects.get(institution=inst_a, unit_path=branch.path, metric="members.on_roll")
    assert (row.period, row.numerator) == (str(this_year), 5)


def test_a_failed_refresh_leaves_the_requests(inst_a: Institution, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    with in_schema(inst_a):
        MemberFactory()
        asked = len(_requests(inst_a))
        monkeypatch.setattr(services, "figures_publish", broken)
        with pytest.raises(RuntimeError):
            facts_refresh_due(institution=inst_a)
    assert len(_requests(inst_a)) == asked > 0


def test_a_committee_notice_asks_every_institution(inst_a: Institution, inst_b: Institution) -> None:
    with in_schema("public"):
        Document.objects.create(kind=Document.Kind.NOTICE, title="学习通知", requires_signoff=False)
    assert _requests(inst_a) == []
    with in_schema("public"):
        notice = Document.objects.create(kind=Document.Kind.NOTICE, title="签收通知", requires_signoff=True)
    assert len(_requests(inst_a)) == 1 and len(_requests(inst_b)) == 1
    with in_schema("public"):
        notice.title, notice.version_count = "签收通知（修订）", 2
        notice.save(update_fields=["title", "version_count", "updated_at"])  # nothing the facts read
    assert len(_requests(inst_a)) == 1
    with in_schema("public"):
        notice.requires_signoff = False
        notice.save(update_fields=["requires_signoff", "updated_at"])  # it no longer asks: recounted
    assert len(_requests(inst_a)) == 2 and len(_requests(inst_b)) == 2
    with in_schema("public"):
        UnitFact.objects.create(
            institution=inst_a,
            metric=f"{SIGNED_PREFIX}{notice.pk}",
            period="2026",
            unit_path="1.",
            unit_kind="committee",
            numerator=1,
            denominator=9,
            computed_at=timezone.now(),
        )
        notice.delete()
        assert not UnitFact.objects.filter(metric=f"{SIGNED_PREFIX}{notice.pk}").exists()
