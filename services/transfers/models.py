"""Transfers (组织关系转接) inside an institution, between institutions and out of the platform."""

from __future__ import annotations
