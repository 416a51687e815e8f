"""Isolation cases of the routes every site serves for browsers and operators (the icon)."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "favicon"): Case("anonymous"),
    (CONSOLE, "favicon"): Case("anonymous"),
}
