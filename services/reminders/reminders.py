"""This app's reminder sources (discovered by ``registry.sources()``, which imports each
installed app's ``reminders`` module)."""

from __future__ import annotations

from . import sources  # noqa: F401  (registers the sources)
