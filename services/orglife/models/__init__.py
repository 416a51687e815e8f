"""The models of organizational life, by part: meetings and their lists (``meetings``), minutes
and what freezes with them (``minutes``), democratic appraisal (``appraisal``)."""

from .meetings import *  # noqa: F403
