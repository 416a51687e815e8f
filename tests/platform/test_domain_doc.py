"""The domain is described in the repository (docs/domain.md), and what cites it cites a section
that exists: code, docs and tests name ``docs/domain.md#<slug>``, each slug an explicit anchor."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "docs" / "domain.md"
SKIPPED = {".venv", ".data", ".git", "node_modules", "__pycache__"}
CITATION = re.compile(r"domain\.md#([a-z0-9-]+)")
OUTSIDE = re.compile(r"DOMAIN\.md|DOMAIN §")


def _files() -> list[Path]:
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED]
        found += [Path(folder) / name for name in names if name.endswith((".py", ".md", ".html"))]
    return found


def test_every_citation_of_the_domain_names_a_section_that_exists() -> None:
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', DOMAIN.read_text(encoding="utf-8")))
    assert {"development", "rule-sets", "glossary"} <= anchors
    broken = [
        f"{path.relative_to(ROOT)}:{number}: #{slug}"
        for path in _files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for slug in CITATION.findall(line)
        if slug not in anchors
    ]
    assert broken == [], f"citations of docs/domain.md sections that do not exist: {broken}"


def test_nothing_cites_a_description_of_the_domain_outside_the_repository() -> None:
    this = Path(__file__).resolve()
    outside = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _files()
        if path.resolve() != this
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert outside == [], f"cite docs/domain.md#<section> instead: {outside}"
