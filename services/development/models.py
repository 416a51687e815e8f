"""Development dossiers (发展党员): one per person, its steps, guards and branch votes."""

from __future__ import annotations
