"""Audit events are declared by their owner (services/kernel/audit_events.py): every event the
code records resolves to a declared one, every code is declared once, and a code nobody
declared is refused."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.audit.models import AuditEvent
from services.audit.services import audit_record, audit_record_many
from services.kernel.audit_events import AuditEventType, UndeclaredAuditEvent, declare, label_for, registered
from tenants.models import Institution
from tests.conftest import in_schema

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("services", "console", "tenants", "platform/partycloud")
WRITERS = {"audit_record", "audit_record_many"}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT / "platform" if top.startswith("platform") else ROOT)
            yield ".".join(relative.with_suffix("").parts), ast.parse(path.read_text(encoding="utf-8"))


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _event_argument(call: ast.Call, position: int | None) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "event":
            return keyword.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def _writers(modules: list[tuple[str, ast.Module]]) -> dict[str, int | None]:
    """The audit writers and, for a wrapper (a function passing its own ``event`` parameter on
    to a writer, e.g. ``_audit``), the position of that parameter."""
    writers: dict[str, int | None] = dict.fromkeys(WRITERS)
    changed = True
    while changed:
        changed = False
        for _module, tree in modules:
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef) or function.name in writers:
                    continue
                names = [a.arg for a in function.args.posonlyargs + function.args.args]
                if "event" not in names and "event" not in [a.arg for a in function.args.kwonlyargs]:
                    continue
                for call in ast.walk(function):
                    if isinstance(call, ast.Call) and _name(call) in writers:
                        argument = _event_argument(call, writers[_name(call)])
                        if isinstance(argument, ast.Name) and argument.id == "event":
                            writers[function.name] = names.index("event") if "event" in names else None
                            changed = True
                            break
    return writers


def _recorded() -> list[tuple[str, int, str, object]]:
    """Every event argument given to an audit writer in the source (a wrapper passing its own
    ``event`` parameter on aside), evaluated in its module: (module, line, source, value)."""
    modules = list(_modules())
    writers = _writers(modules)
    found = []
    for dotted, tree in modules:
        enclosing = {
            id(node): function.name
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef)
            for node in ast.walk(function)
        }  # the innermost function wins: ast.walk visits outer functions first
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or _name(call) not in writers:
                continue
            argument = _event_argument(call, writers[_name(call)])
            passed_on = isinstance(argument, ast.Name) and argument.id == "event"
            if argument is None or (passed_on and enclosing.get(id(call)) in writers):
                continue
            namespace = vars(importlib.import_module(dotted))
            value = eval(compile(ast.Expression(argument), dotted, "eval"), namespace)  # noqa: S307
            found.append((dotted, call.lineno, ast.unparse(argument), value))
    return found


def test_every_recorded_event_is_declared() -> None:
    recorded = _recorded()
    assert len(recorded) > 50  # the walk finds the writers' calls
    declared = registered()
    undeclared = [
        f"{module}:{line} {source}"
        for module, line, source, value in recorded
        if not isinstance(value, AuditEventType) or declared.get(value.code) is not value
    ]
    assert undeclared == []


def test_every_code_is_declared_once_by_an_audit_events_module() -> None:
    codes: dict[str, list[str]] = {}
    for dotted, tree in _modules():
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and _name(call) == "declare" and dotted != "services.kernel.audit_events":
                assert dotted.endswith(".audit_events"), f"{dotted} declares an audit event"
                assert isinstance(call.args[0], ast.Constant)
                codes.setdefault(str(call.args[0].value), []).append(dotted)
    assert {code: where for code, where in codes.items() if len(where) > 1} == {}
    assert sorted(codes) == sorted(registered())


def test_a_code_declared_again_with_another_label_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        declare("auth.login", label="another", detail="")


def test_labels_of_declared_and_unknown_codes() -> None:
    assert str(label_for("auth.login")) == "登录"
    assert label_for("nobody.declared_this") == "nobody.declared_this"


def test_an_undeclared_event_is_refused_and_nothing_written(inst_a: Institution) -> None:
    with in_schema(inst_a):
        rows = AuditEvent.objects.count()
        with pytest.raises(UndeclaredAuditEvent):
            audit_record(event="nobody.declared_this")
        with pytest.raises(UndeclaredAuditEvent):
            audit_record_many(event="member.updatd", acting_user=None, targets=[("members.member", 1)], detail={})
        assert AuditEvent.objects.count() == rows
        assert audit_record(event="auth.login").event == "auth.login"  # a declared code is taken as is
