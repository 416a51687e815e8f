"""Published procedure templates (the 25 development steps) and the working-day calendar, in the public schema."""

from __future__ import annotations
