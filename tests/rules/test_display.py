"""Users read a rule's title and citation in their language, never its key
(services/rules/display.py): on the rules page, in guards, warnings, reminders and letters."""

from __future__ import annotations

import importlib
import re
from datetime import date

import pytest
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context

from services.accounts.models import User
from services.reminders.models import Reminder
from services.rule_overrides.models import RuleOverride
from services.rules import texts
from services.rules.display import rule_citation, rule_explanation, rule_title
from services.rules.models import StandardRule
from services.rules.resolver import rule, rules_in_force
from tenants.models import Institution
from tests.conftest import client_for, in_schema

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
KEY = re.compile(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_]+)*\b")


def _standard_texts() -> tuple[set[str], set[str]]:
    with schema_context("public"):
        rows = StandardRule.objects.values_list("title", "citation")
        return {title for title, _ in rows}, {citation for _, citation in rows}


@pytest.mark.django_db
def test_every_title_and_citation_of_the_standard_set_is_in_the_translation_catalogue() -> None:
    titles, citations = _standard_texts()
    missing = sorted((titles - set(texts.TITLES)) | (citations - set(texts.CITATIONS)))
    assert not missing, (
        "rule titles or citations seeded without a catalogue entry: add them to services/rules/texts.py, "
        f"refresh locale/en and translate them: {missing}"
    )


@pytest.mark.django_db
def test_every_citation_of_the_standard_set_is_written_in_chinese() -> None:
    _titles, citations = _standard_texts()
    english = sorted(c for c in citations if re.search(r"[A-Za-z]{3,}", c))
    assert not english, f"citations in English words (the Chinese interface shows them as stored): {english}"


def test_an_explanation_is_the_title_and_the_citation_never_the_key(inst_a: Institution) -> None:
    with in_schema(inst_a):
        rules = rules_in_force(on=date(2026, 6, 1))
    assert len(rules) > 30
    for value in rules:
        assert value.explanation == f"{value.title}（{value.citation}）", value.key
        assert value.key not in value.explanation
    assessment = next(v for v in rules if v.key == "development.activist_assessment_months")
    assert assessment.explanation == "积极分子考察间隔（《中国共产党发展党员工作细则》(2014) 第十一条）"


def test_an_english_reader_reads_every_rule_in_english(inst_a: Institution) -> None:
    with in_schema(inst_a):
        rules = rules_in_force(on=date(2026, 6, 1))
    with translation.override("en"):
        chinese = [(v.key, v.explanation) for v in rules if CJK.search(v.explanation)]
        local = rule_citation({"citation": texts.LOCAL_PRACTICE})
    assert not chinese, f"rules an English page would show in Chinese: {chinese}"
    assert local == "local practice"


def test_an_override_reads_its_reason_then_the_standard_citation(inst_a: Institution) -> None:
    with in_schema(inst_a):
        RuleOverride.objects.create(
            key="branch.max_members", value=40, effective_from=date(2020, 1, 1), reason="本校规定每支部不超过40人"
        )
        value = rule("branch.max_members", on=date(2026, 6, 1))
    assert rule_title(value) == "党支部党员人数上限（一般）"
    standard = "《中国共产党支部工作条例（试行）》(2018)"
    assert rule_citation(value) == f"本校调整：本校规定每支部不超过40人；标准依据：{standard}"
    # What a vote records of the rules it applied has no reason: the source still says whose rule it was.
    recorded = {"title": value.title, "citation": value.citation, "source": "institution"}
    assert rule_explanation(recorded) == (
        "党支部党员人数上限（一般）（本校调整；标准依据：《中国共产党支部工作条例（试行）》(2018)）"
    )


def test_the_rules_page_shows_titles_and_chinese_citations_and_keys_only_to_admins(
    inst_a: Institution, plain: User, admin: User
) -> None:
    member_page = client_for(inst_a, plain).get("/rules/").content.decode()
    assert "出国（境）党员联系间隔" in member_page and "地方通行做法" in member_page
    assert "local practice" not in member_page
    table = re.sub(r"<[^>]+>", " ", member_page[member_page.index("<table") : member_page.index("</table>")])
    assert not re.findall(r"[A-Za-z]{3,}", table), "codes or English words in the Chinese rules table"
    assert "在职党员：月工资 3000 元及以下交 0.5%，月工资 3000–5000 元交 1%" in table  # the dues brackets in words
    assert not KEY.findall(re.sub(r"<[^>]+>", " ", member_page.split("<main", 1)[1]))
    admin_page = client_for(inst_a, admin).get("/rules/").content.decode()
    assert "abroad.contact_months" in admin_page  # secondary text next to the title, for overrides


def test_the_english_rules_page_reads_every_rule_in_english(inst_a: Institution, plain: User) -> None:
    client = client_for(inst_a, plain)
    client.cookies["django_language"] = "en"
    page = client.get("/rules/").content.decode()
    table = page[page.index("<table") : page.index("</table>")]
    assert "local practice" in table and "Rules on Recruiting Party Members (2014), Art. 11" in table
    leftovers = [table[max(0, m.start() - 20) : m.end() + 20] for m in CJK.finditer(table)]
    assert not leftovers, f"Chinese left in the English rules table: {leftovers[:5]}"


def _rewrite(app: str, migration: str) -> None:
    module = importlib.import_module(f"services.{app}.migrations.{migration}")
    with connection.cursor() as cursor:
        cursor.execute(module.REWRITE)


def test_reminders_stored_with_a_key_in_their_citation_lose_it(inst_a: Institution, plain: User) -> None:
    stored = {
        "standard": "积极分子考察间隔（development.activist_assessment_months）：《中国共产党发展党员工作细则》",
        "local": "到期事项提前提醒天数（reminders.lead_days）：local practice",
        "override": "预备期（probation.months）：本校调整：试点（标准依据：《中国共产党章程》 第七条）",
        "new": "预备期（《中国共产党章程》 第七条）",
    }
    with in_schema(inst_a):
        for name, citation in stored.items():
            Reminder.objects.create(
                recipient=plain, key=name, source="x", kind="x", title=name, due_on=date(2026, 6, 1), citation=citation
            )
        _rewrite("reminders", "0002_citations_without_rule_keys")
        rewritten = dict(Reminder.objects.values_list("key", "citation"))
    assert rewritten == {
        "standard": "积极分子考察间隔（《中国共产党发展党员工作细则》）",
        "local": "到期事项提前提醒天数（地方通行做法）",
        "override": "预备期（本校调整：试点（标准依据：《中国共产党章程》 第七条））",
        "new": "预备期（《中国共产党章程》 第七条）",
    }
