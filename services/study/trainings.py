"""External training (校外培训) a member reports with its certificate; a manager of the member's
branch approves it (its class hours count in that year) or returns it with a note. An approved
report is final."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.selectors import member_of
from services.organization.scope import can_manage, scope_for
from services.storage.backends import get_storage

from .audit_events import EVENT_TRAINING_DECIDED, EVENT_TRAINING_REPORTED
from .media import check_certificate
from .models import Training
from .services import storage_key

MAX_CLASS_HOURS = 200


def training_report(
    *,
    acting_user: Any,
    title: str,
    organizer: str,
    finished_on: date,
    class_hours: int,
    certificate: IO[bytes],
    certificate_name: str,
) -> Training:
    member = member_of(acting_user)
    if member is None:
        raise PermissionDenied(_("只有党员可以报送校外培训。"))
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写培训名称。")
    if not organizer.strip():
        errors["organizer"] = _("请填写举办单位。")
    if finished_on > timezone.localdate():
        errors["finished_on"] = _("结业日期不能晚于今天。")
    if not 1 <= class_hours <= MAX_CLASS_HOURS:
        errors["class_hours"] = _("学时应在 1 到 %(max)s 之间。") % {"max": MAX_CLASS_HOURS}
    if errors:
        raise ValidationError(errors)
    try:
        checked = check_certificate(certificate, filename=certificate_name)
    except ValidationError as exc:
        raise ValidationError({"certificate": exc.messages}) from None
    key = storage_key("certificates", member.pk, checked.filename)
    try:
        get_storage().save(key, checked.file)
    finally:
        checked.close()
    with transaction.atomic():
        training = Training.objects.create(
            member=member,
            title=title.strip(),
            organizer=organizer.strip(),
            finished_on=finished_on,
            class_hours=class_hours,
            certificate_key=key,
            certificate_name=checked.filename,
            certificate_type=checked.content_type,
            certificate_size=checked.size,
        )
        audit_record(
            event=EVENT_TRAINING_REPORTED,
            actor=acting_user,
            target=training,
            after={"title": training.title, "finished_on": str(finished_on), "class_hours": class_hours},
        )
    return training


def can_review(*, acting_user: Any, training: Training) -> bool:
    return can_manage(acting_user=acting_user, unit=training.member.branch)


def training_decide(*, acting_user: Any, training: Training, approve: bool, note: str = "") -> Training:
    if not can_review(acting_user=acting_user, training=training):
        raise PermissionDenied(_("只有本支部的书记、副书记或组织委员可以审核校外培训。"))
    if training.member.user_id is not None and training.member.user_id == getattr(acting_user, "pk", None):
        raise PermissionDenied(_("不能审核自己报送的培训。"))
    if not approve and not note.strip():
        raise ValidationError({"note": _("退回时请写明原因。")})
    with transaction.atomic():
        locked = Training.objects.select_for_update().get(pk=training.pk)
        if locked.status != Training.Status.PENDING:
            raise ValidationError(
                _("这份培训报送已审核过（%(status)s），不能再次审核。") % {"status": locked.get_status_display()}
            )
        locked.status = Training.Status.APPROVED if approve else Training.Status.RETURNED
        locked.note = note.strip()[:500]
        locked.reviewed_by = acting_user
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
        audit_record(
            event=EVENT_TRAINING_DECIDED,
            actor=acting_user,
            target=locked,
            after={"status": locked.status, "note": locked.note},
        )
    return locked


def trainings_visible(*, acting_user: Any) -> QuerySet[Training]:
    """The reports the user reads: their own, and those of the branches they manage."""
    scope = scope_for(acting_user)
    own = member_of(acting_user)
    condition = scope.units_q("member__branch__", manage=True) if scope.is_manager else None
    rows = Training.objects.select_related("member", "member__branch")
    if condition is None:
        return rows.filter(member_id=own.pk if own else 0)
    if own is not None:
        condition = condition | Q(member_id=own.pk)
    return rows.filter(condition)
