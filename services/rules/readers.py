"""Which functions read which rule of the standard set, found by reading the source (no import).

For ``manage.py rules_catalogue``. Every Python module of the project's packages (``services``,
``tenants``, the packages under ``platform/``…; not tests, benchmarks or migrations) is parsed
with ``ast``:

- a string constant equal to a rule key, inside a function, is a read of that key by the function;
- a module-level name bound to an expression that holds rule keys (``QUORUM_KEY = "votes…"``, a
  tuple or dict of keys, ``RuleMapping(KEYS)``) carries those keys: a function that uses the name
  — in its module, or imported (``from .counting import QUORUM_KEY``, ``counting.QUORUM_KEY``) — reads
  them. A binding is a declaration, not a read.

A reader is named ``module.function`` (``module.Class.method``; ``module`` alone for a use at
module level outside a binding). This over-approximates where a function resolves a whole tuple
of keys and uses one: it does resolve them all.

The other way round, a key that code asks the resolver for must be in the standard set: the first
argument of ``rule``, ``rules_for``, ``RuleMapping`` and ``rule_by_date``, of a call on a
``RuleBook`` (the development guards), and a subscript of a name bound to ``rules_for(...)``
in the same function. Only what resolves statically is checked (a string, a bound name).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Import roots: the repository itself and platform/ (an import root, not a package).
IMPORT_ROOTS = (".", "platform")
SKIPPED_PACKAGES = {"tests", "bench", "migrations"}
# Modules that declare the rules rather than read them: the ranges every key declares, the
# catalogue's own list of keys not read yet, and the metrics' table, which names the rules each
# metric's own functions read (so that the facts name their versions; everything that looks a
# metric up would otherwise count as reading them).
DECLARING_MODULES = {"services.rules.specs", "services.rules.catalogue", "services.metrics.registry"}
# Functions whose first argument is a rule key (or keys) to resolve.
RESOLVER_CALLS = {"rule", "rules_for", "RuleMapping", "rule_by_date"}
RULE_BOOK = "RuleBook"


@dataclass
class _Module:
    name: str
    package: str
    tree: ast.Module
    bindings: dict[str, frozenset[str]] = field(default_factory=dict)  # name → rule keys held
    named: dict[str, frozenset[str]] = field(default_factory=dict)  # name → strings in key position
    aliases: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # local → (module, attr)


@dataclass
class Readings:
    by_key: dict[str, list[str]]  # rule key → sorted readers
    unknown: list[tuple[str, str]]  # (reader, key asked of the resolver that is not a standard key)


def find_readers(keys: Iterable[str], *, root: Path = ROOT) -> Readings:
    known = frozenset(keys)
    modules = {module.name: module for module in _parse(root)}
    for module in modules.values():
        _collect_aliases(module, modules)
    _bind(modules, known)
    by_key: dict[str, set[str]] = defaultdict(set)
    unknown: set[tuple[str, str]] = set()
    for module in modules.values():
        walker = _Walker(module, modules, known)
        walker.visit(module.tree)
        for reader, key in walker.reads:
            by_key[key].add(reader)
        unknown.update((reader, key) for reader, key in walker.asked if key not in known)
    return Readings(by_key={key: sorted(by_key.get(key, ())) for key in sorted(known)}, unknown=sorted(unknown))


# --- parsing -------------------------------------------------------------------------------------


def _source_files(root: Path) -> Iterator[tuple[Path, Path]]:
    """(import root, file) for every module of a package directly under an import root."""
    for name in IMPORT_ROOTS:
        base = (root / name).resolve()
        if not base.is_dir():
            continue
        for package in sorted(base.iterdir()):
            if package.name in SKIPPED_PACKAGES or not (package / "__init__.py").is_file():
                continue
            for path in sorted(package.rglob("*.py")):
                if not SKIPPED_PACKAGES.intersection(path.relative_to(base).parts):
                    yield base, path


def _parse(root: Path) -> Iterator[_Module]:
    for base, path in _source_files(root):
        parts = list(path.relative_to(base).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        name = ".".join(parts)
        if name in DECLARING_MODULES:
            continue
        package = name if is_package else ".".join(parts[:-1])
        yield _Module(name=name, package=package, tree=ast.parse(path.read_text(encoding="utf-8"), str(path)))


def _collect_aliases(module: _Module, modules: dict[str, _Module]) -> None:
    """Every import of the module, wherever it is (imports inside functions are common here)."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.aliases[alias.asname] = (alias.name, None)
                else:
                    top = alias.name.split(".")[0]
                    module.aliases[top] = (top, None)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names:
                local = alias.asname or alias.name
                submodule = f"{source}.{alias.name}"
                module.aliases[local] = (submodule, None) if submodule in modules else (source, alias.name)


def _absolute(module: _Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.package.split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


# --- module-level bindings -----------------------------------------------------------------------


def _top_level_bindings(module: _Module) -> Iterator[tuple[str, ast.expr]]:
    for statement in module.tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    yield target.id, statement.value
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
            yield statement.target.id, statement.value


def _bind(modules: dict[str, _Module], known: frozenset[str]) -> None:
    """Fixpoint over every module: a binding holds the keys written in it and those of the bound
    names it refers to (``TERM_YEARS = RuleMapping(TERM_RULE_KEYS)``)."""
    changed = True
    while changed:
        changed = False
        for module in modules.values():
            for name, value in _top_level_bindings(module):
                keys = frozenset(_strings(value) & known) | _referenced(module, modules, value)
                named = frozenset(_key_strings(module, modules, value))
                if keys != module.bindings.get(name, frozenset()) or named != module.named.get(name, frozenset()):
                    module.bindings[name], module.named[name] = keys, named
                    changed = True


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _key_strings(module: _Module, modules: dict[str, _Module], node: ast.AST) -> set[str]:
    """The strings that stand where a rule key stands in an expression that names keys: itself, a
    bound name's, a branch of a condition, the items of a tuple or list, a dict's values."""
    if isinstance(node, ast.Constant):
        return {node.value} if isinstance(node.value, str) else set()
    if isinstance(node, ast.Name | ast.Attribute):
        return set(_resolve(module, modules, node, "named"))
    parts: list[ast.AST] = []
    if isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, ast.BoolOp):
        parts = list(node.values)
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        parts = list(node.elts)
    elif isinstance(node, ast.Dict):
        parts = list(node.values)
    elif isinstance(node, ast.Starred | ast.Subscript):
        parts = [node.value]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "values":
        parts = [node.func.value]
    elif isinstance(node, ast.Call) and _callee(node) in {*RESOLVER_CALLS, "list", "tuple", "sorted"} and node.args:
        parts = [node.args[0]]
    return set().union(*(_key_strings(module, modules, part) for part in parts))


def _referenced(module: _Module, modules: dict[str, _Module], value: ast.AST) -> frozenset[str]:
    found: set[str] = set()
    for node in ast.walk(value):
        if isinstance(node, ast.Name | ast.Attribute):
            found |= _resolve(module, modules, node, "bindings")
    return frozenset(found)


def _resolve(module: _Module, modules: dict[str, _Module], node: ast.AST, kind: str) -> frozenset[str]:
    """What a name or a dotted name refers to: a module-level binding of this or another module."""
    dotted = _dotted(node)
    if not dotted:
        return frozenset()
    head, *rest = dotted
    own: dict[str, frozenset[str]] = getattr(module, kind)
    if not rest and head in own:
        return own[head]
    target = module.aliases.get(head)
    if target is None:
        return frozenset()
    return _lookup(modules, target, rest, kind, depth=0)


def _lookup(
    modules: dict[str, _Module], target: tuple[str, str | None], rest: list[str], kind: str, depth: int
) -> frozenset[str]:
    name, attribute = target
    path = [attribute, *rest] if attribute else list(rest)
    while path and f"{name}.{path[0]}" in modules:  # a dotted module path: services.votes.counting
        name = f"{name}.{path.pop(0)}"
    module = modules.get(name)
    if module is None or len(path) != 1 or depth > 5:
        return frozenset()
    bound: dict[str, frozenset[str]] = getattr(module, kind)
    if path[0] in bound:
        return bound[path[0]]
    forward = module.aliases.get(path[0])  # re-exported: guards.py importing from guard_base
    return _lookup(modules, forward, [], kind, depth + 1) if forward else frozenset()


def _dotted(node: ast.AST) -> list[str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    return [node.id, *parts] if isinstance(node, ast.Name) else []


# --- uses ----------------------------------------------------------------------------------------


class _Walker(ast.NodeVisitor):
    def __init__(self, module: _Module, modules: dict[str, _Module], known: frozenset[str]) -> None:
        self.module, self.modules, self.known = module, modules, known
        self.scope: list[str] = []
        self.reads: set[tuple[str, str]] = set()
        self.asked: set[tuple[str, str]] = set()  # (reader, string) asked of the resolver
        self.books: list[set[str]] = [set()]  # per function: local names bound to a RuleBook
        self.resolved: list[set[str]] = [set()]  # per function: local names bound to rules_for(...)

    @property
    def reader(self) -> str:
        return ".".join([self.module.name, *self.scope])

    def visit_Module(self, node: ast.Module) -> None:
        bound = {name for name, _value in _top_level_bindings(self.module)}
        for statement in node.body:
            value = _declaration(statement, bound)
            if value is None:
                self.visit(statement)
                continue
            # A declaration, not a read; the keys it hands to the resolver must exist all the same.
            for call in ast.walk(value):
                if isinstance(call, ast.Call) and _callee(call) in RESOLVER_CALLS and call.args:
                    self._asked_in(call.args[0])

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.books.append(set())
        self.resolved.append(set())
        self.generic_visit(node)
        self.scope.pop()
        self.books.pop()
        self.resolved.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_Import(self, node: ast.Import) -> None:
        return

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and node.value in self.known:
            self.reads.add((self.reader, node.value))

    def visit_Name(self, node: ast.Name) -> None:
        self._read(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not self._read(node):
            self.generic_visit(node)

    def _read(self, node: ast.AST) -> bool:
        keys = _resolve(self.module, self.modules, node, "bindings")
        self.reads.update((self.reader, key) for key in keys)
        return bool(keys)

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        if isinstance(node.value, ast.BoolOp | ast.Call) and _mentions_book(node.value):
            self.books[-1].update(_targets(node))
        elif isinstance(node.value, ast.Call) and _callee(node.value) == "rules_for":
            self.resolved[-1].update(_targets(node))
        self.generic_visit(node)

    visit_AnnAssign = visit_Assign

    def visit_Call(self, node: ast.Call) -> None:
        callee = node.func
        is_book = _mentions_book(callee) or (isinstance(callee, ast.Name) and callee.id in self.books[-1])
        if (_callee(node) in RESOLVER_CALLS or is_book) and node.args:
            self._asked_in(node.args[0])
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.value, ast.Name) and node.value.id in self.resolved[-1]:
            self._asked_in(node.slice)
        self.generic_visit(node)

    def _asked_in(self, expression: ast.AST) -> None:
        keys = _key_strings(self.module, self.modules, expression)
        self.asked.update((self.reader, key) for key in keys)


def _declaration(statement: ast.stmt, bound: set[str]) -> ast.expr | None:
    """The value of a module-level binding of names only, else None."""
    if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
        targets = _targets(statement)
        if targets and targets <= bound:
            return statement.value
    return None


def _targets(statement: ast.Assign | ast.AnnAssign) -> set[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return {target.id for target in targets if isinstance(target, ast.Name)}


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _mentions_book(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and _callee(n) == RULE_BOOK for n in ast.walk(node))
