"""Reads of the published procedure templates (public schema; readable from every institution)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .models import ProcedureTemplate, TemplateStep

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
