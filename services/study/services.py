"""The writes of study's content: courses, materials (stored through services/storage) and the
year's plans. The institution's administrators keep them (the whole institution studies them)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.scope import scope_for
from services.storage.backends import get_storage
from tenants.db import connection

from .audit_events import EVENT_COURSE_CREATED, EVENT_MATERIAL_ADDED, EVENT_PLAN_SAVED
from .media import check_material_file
from .models import Course, Material, Plan


def can_manage_content(*, acting_user: Any) -> bool:
    return scope_for(acting_user).everything


def _require_content(acting_user: Any) -> None:
    if not can_manage_content(acting_user=acting_user):
        raise PermissionDenied(_("只有本校党委管理员可以维护学习课程和学习计划。"))


def storage_key(folder: str, owner_id: int, filename: str) -> str:
    """``<schema>/study/<folder>/<id>/<unix time>-<random><ext>`` (the sweeper's shape)."""
    suffix = "." + filename.rsplit(".", 1)[1].lower()[:10] if "." in filename else ""
    return f"{connection.schema_name}/study/{folder}/{owner_id}/{int(time.time())}-{uuid.uuid4().hex[:12]}{suffix}"


def course_create(*, acting_user: Any, title: str, description: str = "") -> Course:
    _require_content(acting_user)
    if not title.strip():
        raise ValidationError({"title": _("请填写课程名称。")})
    with transaction.atomic():
        course = Course.objects.create(title=title.strip(), description=description.strip(), created_by=acting_user)
        audit_record(event=EVENT_COURSE_CREATED, actor=acting_user, target=course, after={"title": course.title})
    return course


def material_add(
    *, acting_user: Any, course: Course, title: str, kind: str, length_minutes: int, upload: IO[bytes], filename: str
) -> Material:
    """A document, audio or video of ``course``; ``length_minutes`` is the most a study of it is
    credited with in a year."""
    _require_content(acting_user)
    if kind not in Material.Kind.values:
        raise ValidationError({"kind": _("请选择资料类型：文档、音频或视频。")})
    if not 1 <= length_minutes <= 600:
        raise ValidationError({"length_minutes": _("学习时长应在 1 到 600 分钟之间。")})
    checked = check_material_file(upload, filename=filename, kind=kind)
    key = storage_key("materials", course.pk, checked.filename)
    try:
        get_storage().save(key, checked.file)
    finally:
        checked.close()
    with transaction.atomic():
        material = Material.objects.create(
            course=course,
            title=title.strip() or checked.filename,
            kind=kind,
            length_minutes=length_minutes,
            storage_key=key,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            created_by=acting_user,
        )
        audit_record(
            event=EVENT_MATERIAL_ADDED,
            actor=acting_user,
            target=material,
            after={"course": course.pk, "title": material.title, "kind": kind, "size": checked.size},
        )
    return material


def plan_save(*, acting_user: Any, year: int, group: str, title: str, materials: Iterable[Material]) -> Plan:
    """The year's plan for ``group`` (one per group and year), with its required materials."""
    _require_content(acting_user)
    if group not in Plan.Group.values:
        raise ValidationError({"group": _("请选择学习计划的对象。")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度不正确。")})
    chosen = list(materials)
    with transaction.atomic():
        plan, _created = Plan.objects.update_or_create(
            year=year, group=group, defaults={"title": title.strip() or _("%(year)s 年学习计划") % {"year": year}}
        )
        plan.materials.set(chosen)
        audit_record(
            event=EVENT_PLAN_SAVED,
            actor=acting_user,
            target=plan,
            after={"year": year, "group": group, "title": plan.title, "materials": [m.pk for m in chosen]},
        )
    return plan
