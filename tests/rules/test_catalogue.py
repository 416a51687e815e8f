"""The rule catalogue (``manage.py rules_catalogue``, docs/rules.md): current, faithful to the
migrations, and every rule read by some function (or declared not read yet) while no function
asks for a key the standard set does not have."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from services.rules.catalogue import COMMAND, NOT_READ_YET, catalogue, standard_set
from services.rules.models import StandardRule
from services.rules.readers import ROOT, find_readers

RULES_MD = ROOT / "docs" / "rules.md"


def test_docs_rules_md_is_the_commands_current_output() -> None:
    out = io.StringIO()
    call_command("rules_catalogue", stdout=out)
    assert out.getvalue() == catalogue()
    assert RULES_MD.read_text(encoding="utf-8") == out.getvalue(), (
        f"docs/rules.md is stale: run `{COMMAND}` and commit it"
    )


@pytest.mark.django_db
def test_the_seeds_replayed_without_a_database_are_the_migrated_standard_set() -> None:
    with schema_context("public"):
        migrated = {
            (rule.key, rule.effective_from): (rule.value, rule.unit, rule.title, rule.citation)
            for rule in StandardRule.objects.all()
        }
    replayed = {(v.key, v.effective_from): (v.value, v.unit, v.title, v.citation) for v in standard_set()}
    assert replayed == migrated


def test_every_standard_rule_is_read_by_a_function_unless_its_capability_is_not_built_yet() -> None:
    keys = {version.key for version in standard_set()}
    readings = find_readers(keys)
    unread = {key for key, readers in readings.by_key.items() if not readers}
    assert not unread - NOT_READ_YET, (
        f"no function reads {sorted(unread - NOT_READ_YET)}: read the rule where it applies, or list it in "
        "services/rules/catalogue.py NOT_READ_YET until its capability exists"
    )
    assert not NOT_READ_YET - unread, (
        f"{sorted(NOT_READ_YET - unread)} are read now (or no longer seeded): take them out of NOT_READ_YET, "
        f"then run `{COMMAND}`"
    )


def test_no_function_asks_for_a_rule_the_standard_set_does_not_have() -> None:
    readings = find_readers({version.key for version in standard_set()})
    assert readings.unknown == [], f"(function, key) pairs asking for keys that are not seeded: {readings.unknown}"


# --- the reader analysis itself, on a project of its own ------------------------------------------

KEYS = {"votes.quorum_fraction", "term.branch_years", "probation.months", "dues.brackets"}


def _project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_readers_are_found_through_strings_bound_names_imports_and_module_attributes(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/keys.py": 'QUORUM_KEY = "votes.quorum_fraction"\nTERMS = {"branch": "term.branch_years"}\n',
            "app/guards.py": (
                "from .keys import QUORUM_KEY\n"
                "from . import keys\n"
                "MAPPING = RuleMapping(keys.TERMS)\n"
                "def quorum():\n    return rule(QUORUM_KEY)\n"
                "def term(kind):\n    return MAPPING[kind]\n"
                "class Book:\n    def probation(self):\n        return rule('probation.months')\n"
            ),
            "app/migrations/__init__.py": "",
            "app/migrations/0002_seed.py": "def seed():\n    return 'dues.brackets'\n",
            "tests/__init__.py": "",
            "tests/test_x.py": "def test():\n    return 'dues.brackets'\n",
        },
    )
    readings = find_readers(KEYS, root=root)
    assert readings.by_key == {
        "dues.brackets": [],  # only migrations and tests name it
        "probation.months": ["app.guards.Book.probation"],
        "term.branch_years": ["app.guards.term"],
        "votes.quorum_fraction": ["app.guards.quorum"],
    }
    assert readings.unknown == []


def test_a_key_asked_of_the_resolver_that_is_not_seeded_is_reported(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/guards.py": (
                'KEYS = ("probation.months", "probation.month")\n'
                "def typo():\n    return rule('votes.quorum_fracton')\n"
                "def book(rules=None):\n    return (rules or RuleBook())('term.branch_year', None)\n"
                "def resolved():\n    values = rules_for(KEYS)\n    return values['dues.bracket']\n"
                "def not_a_rule(kind):\n    return {'development.talk': kind}\n"
            ),
        },
    )
    assert find_readers(KEYS, root=root).unknown == [
        ("app.guards.book", "term.branch_year"),
        ("app.guards.resolved", "dues.bracket"),
        ("app.guards.resolved", "probation.month"),
        ("app.guards.typo", "votes.quorum_fracton"),
    ]
