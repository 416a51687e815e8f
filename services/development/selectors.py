"""Reads of development dossiers, always narrowed to what the acting user may see (scope.py).

The board reads a bounded number of queries whatever the number of people: the dossiers with
their branch, their steps and contacts in two prefetches, and the rules once (``RuleBook``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from services.organization.models import OrgUnit
from services.organization.scope import Scope, scope_for
from services.procedures.models import PIPELINE, Stage, TemplateStep
from services.procedures.selectors import template_in_force, template_steps

from . import guards as g
from .models import Dossier, DossierContact, DossierStep, LocalStep


def dossier_list(
    *,
    acting_user: Any,
    scope: Scope | None = None,
    branch_id: int | None = None,
    stage: str = "",
    q: str = "",
) -> QuerySet[Dossier]:
    """Dossiers the user may see: those of branches in their scope (``Scope.units_q``); a
    branch filter includes the subtree below the chosen unit."""
    scope = scope or scope_for(acting_user)
    dossiers = Dossier.objects.filter(scope.units_q("branch__")).select_related("branch")
    if branch_id:
        path = OrgUnit.objects.filter(pk=branch_id).values_list("path", flat=True).first() or "-"
        dossiers = dossiers.filter(branch__path__startswith=path)
    if stage:
        dossiers = dossiers.filter(stage=stage)
    if q:
        dossiers = dossiers.filter(Q(name__startswith=q) | Q(number=q))
    return dossiers.order_by("name", "id")


def dossier_get(*, acting_user: Any, pk: int) -> Dossier:
    """One dossier the user may see, with its steps, documents, actors and contacts; raises
    Dossier.DoesNotExist otherwise (a 404, never a 403)."""
    return (
        dossier_list(acting_user=acting_user)
        .select_related("member", "template")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DossierStep.objects.select_related("recorded_by", "reviewed_by", "template_step")
                .prefetch_related("documents", "actor_users", "actor_members")
                .order_by("occurred_on", "id"),
            ),
            Prefetch("contacts", queryset=DossierContact.objects.select_related("member").order_by("role", "id")),
        )
        .get(pk=pk)
    )


def with_guard_data(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """What the guards read, in two queries for any number of dossiers."""
    return dossiers.prefetch_related(
        Prefetch(
            "steps",
            queryset=DossierStep.objects.only(
                "id", "dossier_id", "code", "title", "occurred_on", "ends_on", "hours", "days", "review"
            ),
        ),
        Prefetch("contacts", queryset=DossierContact.objects.filter(ended_on__isnull=True)),
    )


@dataclass
class Card:
    dossier: Dossier
    guards: list[g.Guard]
    next_due: date | None
    flagged: bool
    flags: list[g.Guard]


@dataclass
class Column:
    stage: str
    label: str
    cards: list[Card] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.cards)


def _card(dossier: Dossier, *, today: date, rules: g.RuleBook) -> Card:
    guards = g.current_guards(dossier, today=today, rules=rules)
    dates = [d for guard in guards if not guard.passed for d in (guard.due_on, guard.satisfied_on) if d]
    if dossier.stage == Stage.PROBATIONARY and dossier.probation_ends_on:
        dates.append(dossier.probation_ends_on)
    flags = [guard for guard in guards if guard.failed]
    return Card(
        dossier=dossier, guards=guards, next_due=min(dates) if dates else None, flagged=bool(flags), flags=flags
    )


def board(*, acting_user: Any, today: date, branch_id: int | None = None, q: str = "") -> list[Column]:
    """The pipeline board: one column per stage (applicant → full member), each card with the next
    due date and a red flag when a guard has failed (a deadline passed, a rule violated). Rules are
    resolved once, on ``today``. Ended dossiers are not on the board."""
    dossiers = with_guard_data(
        dossier_list(acting_user=acting_user, branch_id=branch_id, q=q).exclude(stage=Stage.ENDED)
    )
    rules = g.RuleBook(fixed_on=today)
    columns = {stage: Column(stage=stage, label=str(Stage(stage).label)) for stage in PIPELINE}
    for dossier in dossiers:
        columns[dossier.stage].cards.append(_card(dossier, today=today, rules=rules))
    for column in columns.values():
        column.cards.sort(key=lambda c: (not c.flagged, c.next_due or date.max, c.dossier.name))
    return list(columns.values())


@dataclass(frozen=True)
class TemplateRow:
    """A row of the template page / the step picker: a standard step or a local one after it."""

    number: str
    title: str
    stage: str
    documents: list[str]
    citation: str
    template_step: TemplateStep | None = None
    local_step: LocalStep | None = None

    @property
    def value(self) -> str:
        return f"local:{self.local_step.pk}" if self.local_step else f"std:{self.template_step.code}"  # type: ignore[union-attr]


def procedure_rows(*, on: date | None = None, include_inactive: bool = False) -> list[TemplateRow]:
    """The template in force with this institution's local steps after their standard step."""
    template = template_in_force(on=on)
    if template is None:
        return []
    locals_by_step: dict[int, list[LocalStep]] = {}
    local_steps = LocalStep.objects.filter(after_step__template=template)
    if not include_inactive:
        local_steps = local_steps.filter(active=True)
    for local in local_steps.order_by("sort_order", "id"):
        locals_by_step.setdefault(local.after_step_id, []).append(local)
    rows: list[TemplateRow] = []
    for step in template_steps(template=template):
        rows.append(
            TemplateRow(
                number=str(step.number),
                title=step.title,
                stage=step.stage.stage,
                documents=list(step.documents),
                citation=step.citation,
                template_step=step,
            )
        )
        for index, local in enumerate(locals_by_step.get(step.pk, []), start=1):
            rows.append(
                TemplateRow(
                    number=f"{step.number}.{index}",
                    title=local.title,
                    stage=step.stage.stage,
                    documents=list(local.documents),
                    citation="",
                    template_step=step,
                    local_step=local,
                )
            )
    return rows


def recordable_rows(dossier: Dossier, rows: Iterable[TemplateRow]) -> list[TemplateRow]:
    """The steps that may be recorded now: those of the current stage and of the next one."""
    if dossier.stage == Stage.ENDED:
        return []
    current = PIPELINE.index(dossier.stage)
    return [row for row in rows if PIPELINE.index(row.stage) <= current + 1]


def vote_guards(*, dossier: Dossier, kind: str, meeting_on: date, today: date) -> list[g.Guard]:
    """The guards a passed vote of ``kind`` ("admission" or "confirmation") on ``meeting_on``
    would be checked against by ``services.dossier_vote_outcome`` — for the votes pages to show
    before the meeting. Empty when the dossier is not at the stage the vote applies to."""
    to_stage = {"admission": Stage.PROBATIONARY, "confirmation": Stage.FULL}.get(kind)
    expected = {"admission": Stage.TARGET, "confirmation": Stage.PROBATIONARY}.get(kind)
    if to_stage is None or dossier.stage != expected:
        return []
    loaded = with_guard_data(Dossier.objects.filter(pk=dossier.pk)).get()
    return g.guards_for(loaded, to_stage=to_stage, on=meeting_on, today=today)
