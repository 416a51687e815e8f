"""The reminder sources of organizational life, found by the registry's autodiscovery."""

from . import reminders_attendance  # noqa: F401  (registers its sources)
