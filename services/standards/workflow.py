"""Writes of branch assessments (institution schemas): the branch's evidence and notes, its
submission, and the reviews of the second-level committee and the institution, each of which may
return the assessment one step back with comments. Each is one audited transaction; every step
leaves an append-only ``ReviewStep``; a closed year refuses them all."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.storage.backends import get_storage
from services.storage.uploads import check_upload

from . import assessing, audit_events
from .models import Assessment, Evidence, IndicatorNode, IndicatorSystem, ReviewStep

S = Assessment.Status
STORAGE_PART = "standards"


def _system(year: int) -> IndicatorSystem:
    system = assessing.system_for_year(year)
    if system is None:
        raise ValidationError(_("市教育工委尚未发布适用于本校 %(y)s 年度的指标体系。") % {"y": year})
    return system


def _open(system: IndicatorSystem) -> None:
    message = assessing.closed_message(system)
    if message:
        raise ValidationError(message)


def assessment_start(*, unit: OrgUnit, year: int, acting_user: Any) -> Assessment:
    """The branch's assessment for ``year``, begun on first use."""
    if unit.kind != OrgUnit.Kind.BRANCH:
        raise ValidationError(_("只有党支部参加标准化考评。"))
    if not assessing.may_see(acting_user, Assessment(unit=unit)):
        raise PermissionDenied(_("您不能查看这个支部的考评。"))
    existing = Assessment.objects.filter(unit=unit, year=year).first()
    if existing is not None:
        return existing
    system = _system(year)
    if not assessing.may_self_assess(acting_user, unit):
        raise PermissionDenied(_("只有本支部书记等支部管理人员可以开始自评。"))
    with transaction.atomic():
        local = assessing.local_system_for_year(year)
        assessment, created = Assessment.objects.get_or_create(
            unit=unit, year=year, defaults={"system_id": system.pk, "local_system_id": local.pk if local else None}
        )
        if created:
            audit_record(
                event=audit_events.ASSESSMENT_STARTED,
                actor=acting_user,
                target=assessment,
                after={"unit": unit.pk, "year": year, "system": system.pk},
            )
    return assessment


def _editable(assessment: Assessment, acting_user: Any) -> tuple[Assessment, IndicatorSystem]:
    locked = Assessment.objects.select_for_update().select_related("unit").get(pk=assessment.pk)
    if not assessing.may_self_assess(acting_user, locked.unit):
        raise PermissionDenied(_("只有本支部书记等支部管理人员可以填写自评。"))
    if locked.status != S.SELF:
        raise ValidationError(
            _("自评已提交（%(s)s），不能再修改；如需修改请由审核人退回。") % {"s": locked.get_status_display()}
        )
    system = assessing.system_of(locked)
    _open(system)
    return locked, system


def _nodes(assessment: Assessment, system: IndicatorSystem) -> dict[int, IndicatorNode]:
    """The nodes an assessment may name: the committee's by id, the local items' by minus their id."""
    nodes = {n.pk: n for n in system.nodes.all()}
    local = assessing.local_system_of(assessment)
    if local is not None:
        nodes |= {-n.pk: n for n in local.nodes.all()}
    return nodes


def _evidence_node(assessment: Assessment, system: IndicatorSystem, node_id: int) -> int:
    node = _nodes(assessment, system).get(node_id)
    if node is None or node.kind != IndicatorNode.Kind.EVIDENCE:
        raise ValidationError(_("指标体系中没有这项佐证材料。"))
    return node_id


def _key(assessment: Assessment, filename: str) -> str:
    suffix = "." + filename.rsplit(".", 1)[1].lower()[:10] if "." in filename else ""
    schema = getattr(connection, "schema_name", "public")
    return f"{schema}/{STORAGE_PART}/{assessment.pk}/{int(time.time())}-{uuid.uuid4().hex[:12]}{suffix}"


@dataclass(frozen=True)
class LinkTarget:
    title: str
    link: str


def evidence_add(
    *,
    assessment: Assessment,
    node_id: int,
    acting_user: Any,
    upload: IO[bytes] | None = None,
    filename: str = "",
    link: LinkTarget | None = None,
) -> Evidence:
    """A document (an upload through the storage interface) or a link to an existing record
    (minutes, a 党务公开 disclosure) for one evidence point."""
    if (upload is None) == (link is None):
        raise ValidationError(_("请上传一个文件，或填写要关联的记录。"))
    if link is not None and not (link.title.strip() and link.link.strip().startswith("/")):
        raise ValidationError(_("关联记录需要标题和本平台内的链接（以 / 开头）。"))
    with transaction.atomic():
        assessment, system = _editable(assessment, acting_user)
        node_key = _evidence_node(assessment, system, node_id)
        fields: dict[str, Any] = {}
        if upload is not None:
            checked = check_upload(upload, filename=filename)
            key = _key(assessment, checked.filename)
            with checked.file:
                get_storage().save(key, checked.file)
            fields = {
                "kind": Evidence.Kind.UPLOAD,
                "title": checked.filename,
                "filename": checked.filename,
                "storage_key": key,
                "content_type": checked.content_type,
                "size": checked.size,
            }
        else:
            assert link is not None
            fields = {"kind": Evidence.Kind.LINK, "title": link.title.strip()[:200], "link": link.link.strip()[:500]}
        evidence = Evidence.objects.create(assessment=assessment, node_id=node_key, created_by=acting_user, **fields)
        audit_record(
            event=audit_events.EVIDENCE_ADDED,
            actor=acting_user,
            target=evidence,
            after={"node": node_key, "kind": evidence.kind, "title": evidence.title, "link": evidence.link},
        )
    return evidence


def evidence_remove(*, evidence: Evidence, acting_user: Any) -> None:
    with transaction.atomic():
        _editable(evidence.assessment, acting_user)
        key = evidence.storage_key
        audit_record(
            event=audit_events.EVIDENCE_REMOVED,
            actor=acting_user,
            target=evidence,
            before={"node": evidence.node_id, "kind": evidence.kind, "title": evidence.title},
        )
        evidence.delete()
        if key:
            transaction.on_commit(lambda: get_storage().delete(key))


def note_save(*, assessment: Assessment, node_id: int, text: str, acting_user: Any) -> Assessment:
    with transaction.atomic():
        assessment, system = _editable(assessment, acting_user)
        if node_id not in _nodes(assessment, system):
            raise ValidationError(_("指标体系中没有这一项。"))
        before = assessment.notes.get(str(node_id), "")
        assessment.notes = {**assessment.notes, str(node_id): text.strip()[:2000]}
        assessment.save(update_fields=["notes", "updated_at"])
        audit_record(
            event=audit_events.NOTE_SAVED,
            actor=acting_user,
            target=assessment,
            before={"node": node_id, "text": before},
            after={"node": node_id, "text": text.strip()[:2000]},
        )
    return assessment


def _snapshot(assessment: Assessment, system: IndicatorSystem) -> None:
    result = assessing.score(assessment, system)
    assessment.score, assessment.maximum, assessment.grade = result.total, result.maximum, result.grade
    assessment.standardized = result.standardized
    assessment.lines = assessing.lines_of(result)


def assessment_submit(*, assessment: Assessment, acting_user: Any, comment: str = "") -> Assessment:
    """The branch submits its self-assessment: to its second-level committee, or straight to the
    institution when the branch sits directly under the institution's committee."""
    with transaction.atomic():
        assessment, system = _editable(assessment, acting_user)
        _snapshot(assessment, system)
        assessment.status = S.SECOND if assessing.second_level_of(assessment.unit) else S.INSTITUTION
        assessment.returned_note = ""
        assessment.save()
        ReviewStep.objects.create(
            assessment=assessment, stage=S.SELF, action=ReviewStep.Action.SUBMIT, comment=comment.strip(),
            score=assessment.score, acted_by=acting_user,
        )  # fmt: skip
        audit_record(
            event=audit_events.ASSESSMENT_SUBMITTED,
            actor=acting_user,
            target=assessment,
            after={"status": assessment.status, "score": str(assessment.score), "grade": assessment.grade},
        )
    return assessment


def assessment_review(*, assessment: Assessment, approve: bool, comment: str, acting_user: Any) -> Assessment:
    """The step's reviewer approves (up one step; the institution's approval makes the result
    final) or returns it one step back; a return needs a comment."""
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().select_related("unit").get(pk=assessment.pk)
        if assessment.status not in (S.SECOND, S.INSTITUTION):
            raise ValidationError(_("这份考评当前（%(s)s）不在审核环节。") % {"s": assessment.get_status_display()})
        if not assessing.may_review(acting_user, assessment):
            raise PermissionDenied(_("您不是这一环节的审核人。"))
        system = assessing.system_of(assessment)
        _open(system)
        if not approve and not comment.strip():
            raise ValidationError(_("退回时请填写意见，说明需要补充或修改什么。"))
        stage = assessment.status
        if approve:
            _snapshot(assessment, system)
            assessment.status = S.INSTITUTION if stage == S.SECOND else S.FINAL
            assessment.returned_note = ""
        else:
            back = S.SECOND if stage == S.INSTITUTION and assessing.second_level_of(assessment.unit) else S.SELF
            assessment.status = back
            assessment.returned_note = comment.strip()
        assessment.save()
        ReviewStep.objects.create(
            assessment=assessment, stage=stage,
            action=ReviewStep.Action.APPROVE if approve else ReviewStep.Action.RETURN,
            comment=comment.strip(), score=assessment.score, acted_by=acting_user,
        )  # fmt: skip
        change = {
            "actor": acting_user,
            "target": assessment,
            "before": {"status": stage},
            "after": {"status": assessment.status, "score": str(assessment.score), "grade": assessment.grade},
            "detail": {"comment": comment.strip()},
        }
        if approve:
            audit_record(event=audit_events.ASSESSMENT_APPROVED, **change)
        else:
            audit_record(event=audit_events.ASSESSMENT_RETURNED, **change)
    return assessment
