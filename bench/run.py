"""Run benchmarks and print one line per figure: `<name>: <value> <unit>`.

    make bench                       # every figure
    make bench ONLY=routing_overhead_pct

Benchmarks run against the database devstack provides (an embedded PostgreSQL under
.data/bench unless DATABASE_URL is set); they create and drop their own institutions.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")

Benchmark = Callable[[], list[tuple[str, float, str]]]


def _modules() -> list[object]:
    import importlib
    import pkgutil

    import bench as package

    return [
        importlib.import_module(f"bench.{info.name}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
    ]


def clear_leftovers() -> None:
    """What an interrupted benchmark left behind that ``migrate`` would trip on (each module's
    ``leftovers``, e.g. institutions without schemas), removed before it runs."""
    from django.db import connection

    if "tenants_institution" not in connection.introspection.table_names():
        return  # a new database: nothing can be left over
    for module in _modules():
        leftovers = getattr(module, "leftovers", None)
        if leftovers is not None:
            leftovers()


def registry() -> dict[str, Benchmark]:
    """figure name -> the benchmark that produces it (one benchmark may produce several).

    Every module of bench/ with ``FIGURES`` and ``run`` is a benchmark."""
    found: dict[str, Benchmark] = {}
    for module in _modules():
        if hasattr(module, "FIGURES") and hasattr(module, "run"):
            for name in module.FIGURES:
                found[name] = module.run
    return found


def main(only: list[str]) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    clear_leftovers()
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    figures = registry()
    unknown = [name for name in only if name not in figures]
    if unknown:
        print(f"unknown figure(s): {', '.join(unknown)}; known: {', '.join(sorted(figures))}", file=sys.stderr)
        return 2
    selected: list[Benchmark] = []
    for name in only or list(figures):
        if figures[name] not in selected:
            selected.append(figures[name])
    for bench in selected:
        for name, value, unit in bench():  # a benchmark's companion figures are printed too
            print(f"{name}: {value:.3f} {unit}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
