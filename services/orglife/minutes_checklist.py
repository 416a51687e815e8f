"""A meeting's checklist: the steps of its type's published template (services/procedures) in
order, with the institution's local steps after the step each follows, and which of them still
lack their record. Local steps are the institution administrators' (they apply to every branch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.scope import scope_for
from services.procedures.models import MeetingStep, MeetingTemplate
from services.procedures.selectors import meeting_template_in_force, meeting_variants

from .audit_events import EVENT_LOCAL_MEETING_STEP
from .models import LocalMeetingStep, Meeting, Minutes, MinutesStep


@dataclass(frozen=True)
class ChecklistItem:
    title: str
    record_required: bool
    record_hint: str
    template_step: MeetingStep | None = None
    local_step: LocalMeetingStep | None = None


def template_for(*, meeting: Meeting, variant: str = "") -> MeetingTemplate | None:
    """The template of the meeting's type (and ``variant``) in force on the meeting's date."""
    on = meeting.starts_at.date()
    return meeting_template_in_force(kind=meeting.kind, variant=variant, on=on) or meeting_template_in_force(
        kind=meeting.kind, on=on
    )


def variants_for(meeting: Meeting) -> list[MeetingTemplate]:
    return meeting_variants(kind=meeting.kind, on=meeting.starts_at.date())


def checklist(template: MeetingTemplate) -> list[ChecklistItem]:
    """The template's steps in order, each followed by the active local steps placed after it."""
    steps = list(MeetingStep.objects.filter(template=template).order_by("number"))
    local: dict[int, list[LocalMeetingStep]] = {}
    for extra in LocalMeetingStep.objects.filter(after_step__in=steps, active=True).order_by("sort_order", "id"):
        local.setdefault(extra.after_step_id, []).append(extra)
    items: list[ChecklistItem] = []
    for step in steps:
        items.append(ChecklistItem(step.title, step.record_required, step.record_hint, template_step=step))
        items += [
            ChecklistItem(extra.title, extra.record_required, extra.record_hint, local_step=extra)
            for extra in local.get(step.pk, [])
        ]
    return items


def missing_records(minutes: Minutes) -> list[MinutesStep]:
    """The required steps with neither a written record nor an attachment."""
    return [
        step
        for step in minutes.steps.prefetch_related("attachments").order_by("number")
        if step.record_required and not step.text.strip() and not step.attachments.all()
    ]


def can_set_local_steps(*, acting_user: Any) -> bool:
    return scope_for(acting_user).everything


def local_meeting_step_save(
    *,
    acting_user: Any,
    after_step: MeetingStep,
    title: str,
    record_required: bool = False,
    record_hint: str = "",
    description: str = "",
    local_step: LocalMeetingStep | None = None,
    active: bool = True,
) -> LocalMeetingStep:
    """Add (or change) the institution's own step after a step of a published meeting template.
    Minutes already started keep the checklist they were started with."""
    if not can_set_local_steps(acting_user=acting_user):
        raise PermissionDenied(_("只有学校管理员可以设置本校会议步骤。"))
    if not title.strip():
        raise ValidationError({"title": [_("请填写步骤名称。")]})
    with transaction.atomic():
        step = local_step or LocalMeetingStep(created_by=acting_user if getattr(acting_user, "pk", None) else None)
        before = {"title": step.title, "active": step.active} if local_step else None
        step.after_step = after_step
        step.title = title.strip()[:100]
        step.description = description.strip()
        step.record_required = record_required
        step.record_hint = record_hint.strip()[:200]
        step.active = active
        step.save()
        audit_record(
            event=EVENT_LOCAL_MEETING_STEP,
            actor=acting_user,
            target=step,
            before=before,
            after={"title": step.title, "after_step": after_step.pk, "active": active, "required": record_required},
        )
    return step


def template_date(meeting: Meeting) -> date:
    return meeting.starts_at.date()
