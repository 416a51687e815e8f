from __future__ import annotations

import pytest

from services.rules.models import StandardRule

EXPECTED = {
    "branch.min_full_members": 3,
    "branch.committee_threshold": 7,
    "branch.max_members": 50,
    "party_group.min_members": 3,
    "term.branch_years": 3,
    "term.second_level_years": 5,
    "term.warning_days": 90,
    "development.min_age": 18,
    "development.application_talk_months": 1,
    "development.activist_min_months": 12,
    "development.training_min_days": 3,
    "development.training_min_hours": 24,
    "development.publicity_working_days": 5,
    "development.approval_months": 3,
    "development.approval_max_months": 6,
    "probation.months": 12,
    "probation.extension_min_months": 6,
    "probation.extension_max_months": 12,
    "meetings.member_meeting_months": 3,
    "meetings.committee_meeting_months": 1,
    "meetings.group_meeting_months": 1,
    "meetings.lecture_months": 3,
    "meetings.theme_day_months": 1,
    "study.member_hours": 32,
    "study.cadre_hours": 56,
    "dues.max_arrears_months": 6,
    "dues.student_monthly_yuan": "0.20",
    "transfer.letter_validity_days": 90,
    "retained.max_years": 2,
    "abroad.contact_months": 6,
    "audit.retention_days": 180,
}


@pytest.mark.django_db
def test_the_seed_holds_every_domain_default_with_a_citation() -> None:
    seeded = {rule.key: rule for rule in StandardRule.objects.all()}
    for key, value in EXPECTED.items():
        assert key in seeded, key
        assert seeded[key].value == value, key
        assert seeded[key].citation and seeded[key].title, key


@pytest.mark.django_db
def test_the_dues_brackets_are_the_2008_percentages() -> None:
    brackets = StandardRule.objects.get(key="dues.brackets").value
    employed = [(b["up_to"], b["percent"]) for b in brackets if b["category"] == "employed"]
    assert employed == [("3000", "0.5"), ("5000", "1"), ("10000", "1.5"), (None, "2")]
    retiree = [(b["up_to"], b["percent"]) for b in brackets if b["category"] == "retiree"]
    assert retiree == [("5000", "0.5"), (None, "1")]


@pytest.mark.django_db
def test_audit_retention_cites_the_cybersecurity_law() -> None:
    assert StandardRule.objects.get(key="audit.retention_days").citation == "《中华人民共和国网络安全法》第二十一条"


@pytest.mark.django_db
def test_the_seed_is_reversible_and_only_writes_in_the_public_schema() -> None:
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    seed = importlib.import_module("services.rules.migrations.0002_seed_standard_rules")
    public = SimpleNamespace(connection=SimpleNamespace(schema_name="public"))
    institution = SimpleNamespace(connection=SimpleNamespace(schema_name="inst_alpha"))
    # Other migrations add later versions and capability rules: look at this seed's own rows.
    ours = StandardRule.objects.filter(key__in=[rule[0] for rule in seed.RULES], effective_from=seed.BASE)
    seed.unseed(apps, public)
    assert not ours.exists()
    seed.seed(apps, institution)
    assert not ours.exists()
    seed.seed(apps, public)
    assert ours.count() == len(seed.RULES)
