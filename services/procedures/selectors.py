"""Reads of the published procedure templates (public schema; readable from every institution)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .models import MeetingTemplate, ProcedureTemplate, TemplateStep

DEVELOPMENT = "development"


def template_in_force(*, code: str = DEVELOPMENT, on: date | None = None) -> ProcedureTemplate | None:
    """The version of template ``code`` in force on ``on`` (latest ``effective_from`` <= on)."""
    return (
        ProcedureTemplate.objects.filter(code=code, effective_from__lte=on or timezone.localdate())
        .order_by("-effective_from", "-version")
        .first()
    )


def template_steps(*, template: ProcedureTemplate) -> list[TemplateStep]:
    """The template's steps in order, with their stage (one query)."""
    return list(TemplateStep.objects.filter(template=template).select_related("stage").order_by("number"))


def meeting_template_in_force(*, kind: str, variant: str = "", on: date | None = None) -> MeetingTemplate | None:
    """The version of the meeting template for ``kind`` (and ``variant``) in force on ``on``."""
    return (
        MeetingTemplate.objects.filter(kind=kind, variant=variant, effective_from__lte=on or timezone.localdate())
        .order_by("-effective_from", "-version")
        .first()
    )


def meeting_variants(*, kind: str, on: date | None = None) -> list[MeetingTemplate]:
    """Every procedure of ``kind`` in force on ``on``, one per variant (the plain one first)."""
    seen: dict[str, MeetingTemplate] = {}
    for template in MeetingTemplate.objects.filter(kind=kind, effective_from__lte=on or timezone.localdate()).order_by(
        "variant", "-effective_from", "-version"
    ):
        seen.setdefault(template.variant, template)
    return list(seen.values())
