"""The role × route matrix: for every route of both URLconfs, what each actor gets.

The actors (``matrix_world.py``): anonymous; a member of branch X, on their own record and on
another member's; an applicant (an account linked to a dossier, no member record); the secretary
of branch X, inside X and outside it; the unit admin of college Y (X is in Y), inside Y and
outside it; the institution admin; a committee user and an operator (console accounts). Eleven
cells a route. ``test_matrix`` sends every cell's request and checks the outcome.

Adding a route
--------------
Give it its isolation Case (``cases_<capability>.py``, as before), then one line in the
capability's ``tests/isolation/matrix_<capability>.py``: its policy, and for a route with an id
the kind of object it names (the subject)::

    MATRIX = {
        (TENANT, "members:detail"): Row(RECORD_READ, "member"),
        (TENANT, "members:roster"): Row(SCOPE_LIST, "member"),
        (TENANT, "healthz"): Row(PUBLIC),
    }

A route with no row fails ``test_every_route_has_a_matrix_row``. A new kind of object gets its
builder in ``matrix_world.py`` (one for branch X and one for branch W, or one per owner).

How a row reads
---------------
- the **policy** (``POLICIES`` below, one line of outcomes each) says what every cell gets:
  ``ok`` (let through: a 2xx, or a redirect elsewhere than the sign-in page), ``login`` (the
  sign-in page, or 401), ``403`` or ``404``. An actor of the other schema (a console account on an
  institution's host, an institution's account on the console) has no account there: it gets
  what anonymous gets;
- the **subject** is what the route's id names: "inside" cells act on the one in branch X,
  "outside" cells on the one in branch W, "self" on the actor's own (the member's record, the
  applicant's dossier, anyone's reminders, tokens, imports, batches — for these "inside" means
  "mine" and "outside" a stranger's). On a list (the Case kind "collection") the page must show
  the IN object's marker and show the OUT one only to those who see it (``Policy.sees``);
- ``writes=POLICY``: the POST/PUT/PATCH/DELETE policy, when it is not the GET one;
- ``override={"cell" or "method cell": outcome}`` where a route differs, the reason in a comment;
- ``body_first=True``: the route checks its body before the permission (DRF creates, uploads):
  an empty body is answered 400 ("invalid") to everyone let in, which then counts as a refusal
  too; what a valid body gets is in the capability's own tests;
- ``gaps={cell: Gap(should, reason)}``: the code is wrong and the fix is not small. The cell must
  still be wrong (strict, like xfail): once it is fixed the suite says so, and the gap goes.

A read is sent by every cell. A write is sent, with an empty body, by every cell the row refuses
— and the object it names must be unchanged afterwards — then by the first cell it lets through
(``writes_allowed=False``: by none, when that would act for real, e.g. suspend an institution).
Methods, lookups and URL kwargs come from the route's isolation Case (``methods=`` and
``kwargs=`` override them).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field

# One cell of a row: an actor acting on a subject from one side.
CELLS: dict[str, tuple[str, str]] = {
    "anonymous": ("anonymous", "in"),
    "member_self": ("member", "self"),
    "member_other": ("member", "other"),
    "applicant": ("applicant", "self"),
    "secretary_in": ("secretary", "in"),
    "secretary_out": ("secretary", "out"),
    "unit_admin_in": ("unit_admin", "in"),
    "unit_admin_out": ("unit_admin", "out"),
    "institution_admin": ("institution_admin", "out"),
    "committee": ("committee", "in"),
    "operator": ("operator", "in"),
}
TENANT_CELLS = tuple(c for c in CELLS if c not in ("committee", "operator"))
CONSOLE_CELLS = ("anonymous", "committee", "operator")
OUTCOMES = ("ok", "login", "403", "404")
INVALID = "invalid"  # let through, the (empty) body refused: 400, 409, 415

# What each actor of the institution sees in a list, when the policy lets them list: the IN
# object, the OUT one, both, or neither ("").
SEES_SCOPE = {"member": "", "applicant": "", "secretary": "in", "unit_admin": "in", "institution_admin": "in out"}
SEES_BRANCH = {**SEES_SCOPE, "member": "in"}  # and the people of branch X (documents for X)
SEES_OWN = {"member": "in", "applicant": "in", "secretary": "in", "unit_admin": "in", "institution_admin": "in"}
SEES_ALL = dict.fromkeys(SEES_SCOPE, "in out")


@dataclass(frozen=True)
class Policy:
    """Outcome by cell (on an institution's host: the anonymous cell and the institution's
    actors; on the console: anonymous, committee, operator). An actor of the other schema has no
    account on this host: it gets what an anonymous visitor gets."""

    name: str
    outcomes: dict[str, str]
    sees: dict[str, str] = field(default_factory=dict)  # actor → "in", "in out", "" (lists)

    def __str__(self) -> str:
        return self.name


def _tenant(name: str, row: str, sees: dict[str, str] | None = None) -> Policy:
    """``row``: the outcomes of TENANT_CELLS in order, space-separated."""
    outcomes = row.split()
    assert len(outcomes) == len(TENANT_CELLS) and set(outcomes) <= set(OUTCOMES), name
    return Policy(name, dict(zip(TENANT_CELLS, outcomes, strict=True)), sees or {})


def _console(name: str, row: str) -> Policy:
    outcomes = row.split()
    assert len(outcomes) == len(CONSOLE_CELLS) and set(outcomes) <= set(OUTCOMES), name
    return Policy(name, dict(zip(CONSOLE_CELLS, outcomes, strict=True)))


# fmt: off
# On an institution's host. The columns: anonymous, member on self, member on another member,
# applicant, secretary of X inside X / outside, unit admin of Y inside Y / outside, institution admin.
PUBLIC =            _tenant("PUBLIC",            "ok    ok  ok  ok  ok  ok  ok  ok  ok")
# Everyone signed in; a list shows all of the institution (org units, rules).
SIGNED_IN =         _tenant("SIGNED_IN",         "login ok  ok  ok  ok  ok  ok  ok  ok", SEES_ALL)
# Everyone signed in; a list shows what the actor's scope covers (a plain member: their own record).
SCOPED_LIST =       _tenant("SCOPED_LIST",       "login ok  ok  ok  ok  ok  ok  ok  ok", SEES_SCOPE)
# Everyone signed in; a list shows only the actor's own things (reminders, tokens).
MINE =              _tenant("MINE",              "login ok  ok  ok  ok  ok  ok  ok  ok", SEES_OWN)
# One person's thing (a reminder, a token, an import): its owner only; anyone else's is a 404.
OWN =               _tenant("OWN",               "login ok  404 ok  ok  404 ok  404 404")
# A member record: its member reads it, and those whose scope covers its branch; others 404.
RECORD_READ =       _tenant("RECORD_READ",       "login ok  404 404 ok  404 ok  404 ok")
# A member record's writes and what only its managers see: its member is refused (403).
MANAGE_RECORD =     _tenant("MANAGE_RECORD",     "login 403 404 404 ok  404 ok  404 ok")
# What branch X's people and those whose scope covers X read (its documents, its unit's page).
BRANCH_READ =       _tenant("BRANCH_READ",       "login ok  ok  404 ok  404 ok  404 ok", SEES_BRANCH)
# ... and only managers in scope change; branch X's people are refused (403).
BRANCH_MANAGE =     _tenant("BRANCH_MANAGE",     "login 403 403 404 ok  404 ok  404 ok")
# Seen and managed through a scope only (dossiers, votes); outside it, and for plain members, 404.
IN_SCOPE =          _tenant("IN_SCOPE",          "login 404 404 404 ok  404 ok  404 ok", SEES_SCOPE)
# A list or page for those who see some part of the tree; plain members are refused.
SCOPE_LIST =        _tenant("SCOPE_LIST",        "login 403 403 403 ok  ok  ok  ok  ok", SEES_SCOPE)
# For anyone who manages some unit (create pages, imports, incoming letters); others 403.
MANAGERS =          _tenant("MANAGERS",          "login 403 403 403 ok  ok  ok  ok  ok", SEES_SCOPE)
# Managers only (403 to others before any lookup), and only inside their scope (404 outside).
MANAGERS_IN_SCOPE = _tenant("MANAGERS_IN_SCOPE", "login 403 403 403 ok  404 ok  404 ok", SEES_SCOPE)
# A unit everyone reads (the tree), changed below by those who manage its subtree; others 403.
MANAGE_UNIT =       _tenant("MANAGE_UNIT",       "login 403 403 403 ok  403 ok  403 ok")
# Restructuring a unit (rename, move, merge, close, term, offices) is for those who manage its
# parent's subtree: not the unit's own secretary (selectors.may_change_unit).
RESTRUCTURE =       _tenant("RESTRUCTURE",       "login 403 403 403 403 403 ok  403 ok")
INSTITUTION_ADMIN = _tenant("INSTITUTION_ADMIN", "login 403 403 403 403 403 403 403 ok", SEES_ALL)
# On the console. The columns: anonymous, committee, operator.
CONSOLE_PUBLIC =    _console("CONSOLE_PUBLIC",    "ok    ok  ok")
CONSOLE_SIGNED_IN = _console("CONSOLE_SIGNED_IN", "login ok  ok")
CONSOLE_OPERATOR =  _console("CONSOLE_OPERATOR",  "login 403 ok")
# fmt: on

POLICIES = {
    p.name: p
    for p in (
        PUBLIC, SIGNED_IN, SCOPED_LIST, MINE, OWN, RECORD_READ, MANAGE_RECORD, BRANCH_READ, BRANCH_MANAGE, IN_SCOPE,
        SCOPE_LIST, MANAGERS, MANAGERS_IN_SCOPE, MANAGE_UNIT, RESTRUCTURE, INSTITUTION_ADMIN,
        CONSOLE_PUBLIC, CONSOLE_SIGNED_IN, CONSOLE_OPERATOR,
    )
}  # fmt: skip


def everyone(outcome: str) -> dict[str, str]:
    """An override for every cell (a page that sends everyone to the sign-in page)."""
    return dict.fromkeys(CELLS, outcome)


@dataclass(frozen=True)
class Gap:
    """A cell where the code is wrong: ``should`` is the right outcome, ``reason`` says what is wrong."""

    should: str
    reason: str


@dataclass(frozen=True)
class Row:
    """One route: its policy and subject, and where it differs (see the module's docstring)."""

    policy: Policy
    subject: str | None = None
    writes: Policy | None = None  # the policy of its POST/PUT/PATCH/DELETE, when not ``policy``
    override: dict[str, str] = field(default_factory=dict)  # "cell" or "method cell" → outcome
    gaps: dict[str, Gap] = field(default_factory=dict)
    sees: dict[str, str] | None = None  # a list's visibility, when not the policy's
    kwargs: dict[str, str] = field(default_factory=dict)  # URL kwargs that name no subject
    methods: tuple[str, ...] | None = None  # when not the isolation Case's
    # The body is checked before the permission: an empty body is refused as invalid (400) by
    # everyone let in at all; the refusal of a valid body is in the capability's own tests.
    body_first: bool = False
    writes_allowed: bool = True  # False: no allowed actor sends a write (it would act for real)

    def expected(self, method: str, cell: str) -> str:
        for key in (f"{method} {cell}", cell):
            if key in self.override:
                return self.override[key]
        if cell in self.gaps:
            return self.gaps[cell].should
        policy = self.writes if self.writes is not None and method != "get" else self.policy
        return policy.outcomes.get(cell, policy.outcomes["anonymous"])

    def visible(self, actor: str) -> str | None:
        """What ``actor`` sees in this list: "in", "out", both, "" (neither), None (not checked)."""
        return (self.sees if self.sees is not None else self.policy.sees).get(actor)

    def accepts(self, method: str, cell: str, got: str) -> bool:
        expected = self.expected(method, cell)
        if got == expected:
            return True
        if got != INVALID:
            return False
        return expected == "ok" or (self.body_first and method != "get" and expected in ("403", "404"))


def matrix_rows() -> dict[tuple[str, str], Row]:
    """Every ``MATRIX`` of the ``matrix_*`` modules of this package; a route stated twice fails."""
    import tests.isolation as package

    merged: dict[tuple[str, str], Row] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("matrix_") or info.name == "matrix_world":
            continue
        module = importlib.import_module(f"tests.isolation.{info.name}")
        for key, row in module.MATRIX.items():
            if key in merged:
                raise AssertionError(f"{key} has a matrix row in two modules")
            merged[key] = row
    return merged
