"""Votes at the branch member meeting (admission and confirmation): electorate, quorum, count, outcome."""

from __future__ import annotations
