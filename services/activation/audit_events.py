"""The audit events of activation (services/kernel/audit_events.py)."""

from __future__ import annotations
