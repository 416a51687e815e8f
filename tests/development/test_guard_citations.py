"""Every guard names the rule it reads, or no rule and its own article (issue 9, reproduction 10:
the conditions 政治审查, 上级党委预审 and 填写入党志愿书 cited ``development.sponsors`` — 入党介绍人人数 —
because the stage's guard list read that rule and handed it to them).

How it is checked: every guard function is wrapped so that the rules the rule book hands out
while it runs are recorded against the guard it returns (a rule read by the caller and passed in
is not the guard's reading). The guards are evaluated for dossiers at every stage, complete and
incomplete, so each guard is seen in each of its states."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from services.development import guards as g
from services.development.models import Dossier, DossierContact
from services.procedures.models import Stage
from services.rules.resolver import RuleValue
from tenants.models import Institution
from tests.conftest import in_schema
from tests.development.helpers import (
    ADMISSION,
    TARGET,
    World,
    admit,
    apply,
    build_world,
    prepare_admission,
    prepare_confirmation,
    walk_to_activist,
    walk_to_target,
)
from tests.factories import MemberFactory

STAGES = (Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY, Stage.FULL)
EVERY_GUARD = {
    "age",
    "talk",
    "review",
    "activist_period",
    "contact_persons",
    "assessment",
    "sponsors",
    "political_review",
    "training",
    "publicity",
    "pre_review",
    "volunteer_form",
    "approval",
    "probation",
    "confirmation_application",
    "extension",
}


@dataclass
class Reading:
    """One evaluation of a guard: the guard it returned and the rules it read (key → explanations)."""

    guard: g.Guard
    read: dict[str, set[str]] = field(default_factory=dict)


class SpyBook(g.RuleBook):
    """A rule book that tells every guard running right now which rule it handed out."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[dict[str, set[str]]] = []

    def __call__(self, key: str, on: date) -> RuleValue:
        value = super().__call__(key, on)
        for frame in self.open:
            frame.setdefault(key, set()).add(value.explanation)
        return value


GUARD_FUNCTIONS = sorted(
    name for name, fn in vars(g).items() if name.endswith("_guard") and inspect.isfunction(fn) and name != "_guard"
)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SpyBook, list[Reading]]]:
    book, readings = SpyBook(), []

    def attributing(fn: Callable[..., g.Guard]) -> Callable[..., g.Guard]:
        def run(*args: Any, **kwargs: Any) -> g.Guard:
            frame: dict[str, set[str]] = {}
            book.open.append(frame)
            try:
                guard = fn(*args, **kwargs)
            finally:
                book.open.remove(frame)
            readings.append(Reading(guard=guard, read=frame))
            return guard

        return run

    for name in GUARD_FUNCTIONS:
        monkeypatch.setattr(g, name, attributing(getattr(g, name)))
    yield book, readings


def assert_cites_what_it_reads(readings: list[Reading]) -> None:
    assert readings
    for reading in readings:
        guard = reading.guard
        if guard.rule_key:
            assert guard.rule_key in reading.read, (
                f"{guard.code} ({guard.state}) cites {guard.rule_key} but read {sorted(reading.read)}"
            )
            assert guard.citation in reading.read[guard.rule_key], f"{guard.code}: citation of another rule"
        else:
            assert reading.read == {}, f"{guard.code} reads {sorted(reading.read)} but cites no rule"
            assert "《" in guard.citation or "本平台" in guard.citation, f"{guard.code}: {guard.citation}"


def dossiers(world: World) -> list[Dossier]:
    """Dossiers that put every guard in each of its states: fresh, half-done, complete."""
    fresh = apply(world, name="甲申请")
    activist = walk_to_activist(world, apply(world, name="乙积极"))
    crowded = walk_to_activist(world, apply(world, name="丙联系"))
    # Three contact persons (the service stops at the maximum; a lowered maximum leaves three).
    for member in [MemberFactory(branch=world.tree.branch_x) for _ in range(3)]:
        DossierContact.objects.create(
            dossier=crowded, member=member, role=DossierContact.Role.CONTACT, assigned_on=date(2022, 3, 2)
        )
    target = walk_to_target(world, apply(world, name="丁对象"))
    ready = prepare_admission(world, apply(world, name="戊预审"))
    admitted = admit(world, apply(world, name="己预备"), vote_id=301)
    confirmable = prepare_confirmation(world, apply(world, name="庚转正"))
    return [fresh, activist, crowded, target, ready, admitted, confirmable]


def test_every_guard_cites_the_rule_it_reads_or_its_own_article(
    inst_a: Institution, spy: tuple[SpyBook, list[Reading]]
) -> None:
    book, readings = spy
    with in_schema(inst_a):
        world = build_world()
        people = dossiers(world)
        readings.clear()  # the services evaluated guards with their own books while building them
        for dossier in people:
            loaded = Dossier.objects.prefetch_related("steps", "contacts").get(pk=dossier.pk)
            for stage in STAGES:
                for on in (TARGET, ADMISSION, date(2026, 1, 5)):
                    g.guards_for(loaded, to_stage=stage, on=on, today=date(2026, 1, 5), rules=book)
            for months in (3, 6, 12, 13):
                g.extension_guard(loaded, months=months, on=date(2026, 1, 5), rules=book)
        g.age_guard(birth_date=date(2010, 1, 1), applied_on=date(2024, 1, 1), rules=book)
    assert_cites_what_it_reads(readings)
    # Every guard was seen (the contact persons' in each of its states).
    assert {reading.guard.code for reading in readings} == EVERY_GUARD
    states = {(r.guard.code, r.guard.state) for r in readings}
    assert {("contact_persons", g.WAITING), ("contact_persons", g.FAILED), ("contact_persons", g.PASSED)} <= states


def test_political_review_pre_review_and_the_volunteer_form_cite_their_articles_not_the_sponsors_rule(
    inst_a: Institution,
) -> None:
    with in_schema(inst_a):
        world = build_world()
        target = Dossier.objects.prefetch_related("steps", "contacts").get(pk=walk_to_target(world, apply(world)).pk)
        guards = {
            guard.code: guard
            for guard in g.guards_for(target, to_stage=Stage.PROBATIONARY, on=ADMISSION, today=ADMISSION)
        }
    articles = (("political_review", "第十六条"), ("pre_review", "第十九条"), ("volunteer_form", "第五条"))
    for code, article in articles:
        assert guards[code].rule_key == "" and article in guards[code].citation
        assert "development.sponsors" not in guards[code].citation and "入党介绍人" not in guards[code].citation
    assert guards["sponsors"].rule_key == "development.sponsors"


def test_the_audit_catches_a_guard_that_cites_a_rule_its_caller_read(
    inst_a: Institution, spy: tuple[SpyBook, list[Reading]]
) -> None:
    """The check itself: the shape of the old bug (a rule read by the stage's list, handed to a
    recorded step's guard) is caught."""
    book, readings = spy
    with in_schema(inst_a):
        world = build_world()
        target = Dossier.objects.prefetch_related("steps", "contacts").get(pk=walk_to_target(world, apply(world)).pk)
        readings.clear()
        borrowed = book("development.sponsors", ADMISSION)
        wrong = g.Guard(
            code="political_review",
            title="政治审查",
            state=g.WAITING,
            missing="",
            rule_key=borrowed.key,
            citation=borrowed.explanation,
        )
        g.sponsors_guard(target, on=ADMISSION, rules=book)
    readings.append(Reading(guard=wrong, read={}))
    with pytest.raises(AssertionError, match=r"cites development\.sponsors but read"):
        assert_cites_what_it_reads(readings)
