"""The Chinese working-day calendar (statutory holidays and adjusted workdays), published in the public schema."""

from __future__ import annotations
