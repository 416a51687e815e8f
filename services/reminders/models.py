"""Reminders: due and overdue items produced by the scan, delivered in the portal and by e-mail."""

from __future__ import annotations
