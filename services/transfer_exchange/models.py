"""Letters between two institutions on the platform (public schema): no member record lives here."""

from __future__ import annotations
