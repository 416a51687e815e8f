"""Every write to ideological reports (docs/thought_reports.md): one audited transaction each.

The writer saves drafts (``report_save``: text and attachments through services/storage) and
submits (``submit=True``, or ``report_submit``); the report goes to the contact persons in charge
(培养联系人), who pass it on to the branch or return it, then to the branch committee, which accepts
it or returns it (``report_review``); a returned report is revised and submitted again. Reviewers
annotate (``report_annotate``). An accepted report is filed into the development dossier
(``services.development.materials``) and never changes again: the service refuses it, and so does
the database (migration 0002).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.accounts.models import User
from services.audit.services import audit_record
from services.development.materials import dossier_material_file
from services.storage.backends import get_storage
from services.storage.uploads import check_upload

from .audit_events import (
    EVENT_ATTACHMENT_OPENED,
    EVENT_REPORT_ANNOTATED,
    EVENT_REPORT_REVIEWED,
    EVENT_REPORT_SAVED,
    EVENT_REPORT_SUBMITTED,
)
from .models import Attachment, Note, Report
from .people import contact_user_ids, is_branch_manager, is_contact, writer_of, writer_of_report
from .schedule import cadence, due_for

BODY_MAX = 20000
TITLE_MAX = 100
NOTE_MAX = 1000
ATTACHMENTS_MAX = 5


@dataclass(frozen=True)
class Upload:
    """A file to attach: its name as uploaded and a readable binary stream."""

    filename: str
    stream: IO[bytes]


def _name(user: Any) -> str:
    return (getattr(user, "display_name", "") or getattr(user, "username", ""))[:50]


def _check_text(*, title: str, body: str, submitting: bool, adding: int) -> None:
    errors: dict[str, list[str]] = {}
    if len(title) > TITLE_MAX:
        errors["title"] = [_("标题不能超过 %(n)s 字。") % {"n": TITLE_MAX}]
    if len(body) > BODY_MAX:
        errors["body"] = [_("汇报内容不能超过 %(n)s 字。") % {"n": BODY_MAX}]
    elif submitting and not body:
        errors["body"] = [_("请填写汇报内容后再提交。")]
    elif not (title or body or adding):
        errors["body"] = [_("请填写汇报内容。")]
    if errors:
        raise ValidationError(errors)


def _check_editable(report: Report) -> None:
    if report.status == Report.Status.ACCEPTED:
        raise ValidationError(_("这份思想汇报已通过审阅，不能再修改。"))
    if not report.editable:
        raise ValidationError(_("这份思想汇报正在审阅中，不能修改；如需修改，请等审阅人退回。"))


def _require_author(*, report: Report, acting_user: Any) -> None:
    if report.author_id is None or report.author_id != getattr(acting_user, "pk", None):
        raise PermissionDenied(_("只能修改或提交本人的思想汇报。"))


def attachment_key(report: Report, filename: str) -> str:
    """``<schema>/thought_reports/<report>/<unix time>-<random><ext>``: one prefix per institution."""
    suffix = "." + filename.rsplit(".", 1)[1].lower()[:10] if "." in filename else ""
    schema = getattr(connection, "schema_name", "public")
    return f"{schema}/thought_reports/{report.pk}/{int(time.time())}-{uuid.uuid4().hex[:12]}{suffix}"


def _store(report: Report, uploads: Sequence[Upload]) -> list[Attachment]:
    """Check and store each upload, then add its row (inside the caller's transaction); objects
    stored before a failure are removed again."""
    storage = get_storage()
    stored: list[str] = []
    rows: list[Attachment] = []
    try:
        for upload in uploads:
            checked = check_upload(upload.stream, filename=upload.filename)
            key = attachment_key(report, checked.filename)
            with checked.file:
                storage.save(key, checked.file)
            stored.append(key)
            rows.append(
                Attachment.objects.create(
                    report=report,
                    filename=checked.filename,
                    storage_key=key,
                    size=checked.size,
                    content_type=checked.content_type,
                )
            )
    except BaseException:
        for key in stored:
            storage.delete(key)
        raise
    return rows


def _new_report(acting_user: Any) -> Report:
    writer = writer_of(acting_user)
    if writer is None:
        raise ValidationError(_("您当前不是入党申请人、入党积极分子、发展对象或预备党员，无需提交思想汇报。"))
    return Report(
        dossier=writer.dossier,
        member=writer.member,
        branch=writer.branch,
        author=acting_user,
        author_name=writer.name,
    )


def report_save(
    *,
    acting_user: Any,
    title: str,
    body: str,
    report: Report | None = None,
    uploads: Sequence[Upload] = (),
    remove_attachments: Sequence[int] = (),
    submit: bool = False,
) -> Report:
    """Save the writer's own report as a draft (a new one when ``report`` is None), adding and
    removing attachments; with ``submit``, submit it in the same transaction. Only drafts and
    returned reports change; only their author changes them."""
    title, body = title.strip(), body.strip()
    if report is not None:
        _require_author(report=report, acting_user=acting_user)
        _check_editable(report)
    _check_text(title=title, body=body, submitting=submit, adding=len(uploads))
    with transaction.atomic():
        if report is None:
            locked = _new_report(acting_user)
        else:
            locked = Report.objects.select_for_update().get(pk=report.pk)
            _check_editable(locked)
        locked.title, locked.body = title, body
        locked.save()
        removed = list(Attachment.objects.filter(report=locked, pk__in=list(remove_attachments)))
        keys = [a.storage_key for a in removed]
        Attachment.objects.filter(pk__in=[a.pk for a in removed]).delete()
        if Attachment.objects.filter(report=locked).count() + len(uploads) > ATTACHMENTS_MAX:
            raise ValidationError({"uploads": [_("每份思想汇报最多 %(n)s 个附件。") % {"n": ATTACHMENTS_MAX}]})
        added = _store(locked, uploads)
        audit_record(
            event=EVENT_REPORT_SAVED,
            actor=acting_user,
            target=locked,
            after={"title": title, "status": locked.status},
            detail={"added": [a.filename for a in added], "removed": [a.filename for a in removed]},
        )
        if submit:
            _submit(locked, acting_user=acting_user)
        transaction.on_commit(lambda: _delete_stored(keys))
    return locked


def _delete_stored(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        storage.delete(key)


def report_submit(*, acting_user: Any, report: Report) -> Report:
    """Submit a draft or a returned report: to the contact persons in charge, or — when the person
    has none (an applicant, a probationary member) — straight to the branch committee."""
    _require_author(report=report, acting_user=acting_user)
    _check_editable(report)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        _check_editable(locked)
        _check_text(title=locked.title, body=locked.body, submitting=True, adding=0)
        _submit(locked, acting_user=acting_user)
    return locked


def _submit(report: Report, *, acting_user: Any) -> None:
    now = timezone.now()
    resubmitted = report.status == Report.Status.RETURNED
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        today = timezone.localdate()
        rules = cadence(on=today)
        report.due_on = due_for(writer_of_report(report).stages(rules), rules=rules, submitted_on=today)
    report.revision += 1 if resubmitted else 0
    report.submitted_at = now
    report.status = Report.Status.CONTACT if contact_user_ids(report.dossier_id) else Report.Status.BRANCH
    report.save()
    audit_record(
        event=EVENT_REPORT_SUBMITTED,
        actor=acting_user,
        target=report,
        after={
            "status": report.status,
            "due_on": report.due_on.isoformat() if report.due_on else None,
            "revision": report.revision,
        },
    )


def _note(report: Report, *, kind: str, text: str, acting_user: Any) -> Note:
    return Note.objects.create(
        report=report,
        kind=kind,
        text=text,
        written_by=acting_user if isinstance(acting_user, User) else None,
        written_by_name=_name(acting_user),
    )


def _require_reviewer(*, report: Report, acting_user: Any) -> None:
    """The report waits for this user: its contact person at the contact step, a manager of its
    branch at the branch step."""
    if report.status not in (Report.Status.CONTACT, Report.Status.BRANCH):
        raise ValidationError(
            _("这份思想汇报当前不在待审阅状态（%(status)s）。") % {"status": report.get_status_display()}
        )
    contact = is_contact(user=acting_user, report=report)
    manager = is_branch_manager(user=acting_user, report=report)
    if report.status == Report.Status.CONTACT and not contact:
        if manager:
            raise ValidationError(_("这份思想汇报待培养联系人审阅，培养联系人同意后再由支部审阅。"))
        raise PermissionDenied(_("只有该同志的培养联系人或所在党支部委员会可以审阅这份思想汇报。"))
    if report.status == Report.Status.BRANCH and not manager:
        raise PermissionDenied(_("只有该同志的培养联系人或所在党支部委员会可以审阅这份思想汇报。"))


def report_review(*, acting_user: Any, report: Report, accept: bool, note: str = "") -> Report:
    """The decision of the step the report is at: the contact person passes it on to the branch
    or returns it; the branch committee accepts it (filed into the dossier) or returns it. A
    return needs a note saying what to revise."""
    note = note.strip()
    if not accept and not note:
        raise ValidationError({"note": [_("退回时请写明需要修改的地方。")]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("意见不能超过 %(n)s 字。") % {"n": NOTE_MAX}]})
    _require_reviewer(report=report, acting_user=acting_user)
    with transaction.atomic():
        locked = Report.objects.select_for_update(of=("self",)).select_related("dossier", "branch").get(pk=report.pk)
        _require_reviewer(report=locked, acting_user=acting_user)
        before = locked.status
        if not accept:
            _note(locked, kind=Note.Kind.RETURNED, text=note, acting_user=acting_user)
            locked.status = Report.Status.RETURNED
        elif before == Report.Status.CONTACT:
            _note(locked, kind=Note.Kind.PASSED, text=note, acting_user=acting_user)
            locked.status = Report.Status.BRANCH
            locked.contact_reviewed_by = acting_user if isinstance(acting_user, User) else None
            locked.contact_reviewed_at = timezone.now()
        else:
            _note(locked, kind=Note.Kind.ACCEPTED, text=note, acting_user=acting_user)
            _file_into_dossier(locked, acting_user=acting_user)
            locked.status = Report.Status.ACCEPTED
            locked.accepted_by = acting_user if isinstance(acting_user, User) else None
            locked.accepted_at = timezone.now()
        locked.save()
        audit_record(
            event=EVENT_REPORT_REVIEWED,
            actor=acting_user,
            target=locked,
            before={"status": before},
            after={"status": locked.status, "accept": accept, "note": note},
        )
    return locked


def report_text(report: Report) -> str:
    """The report as the text file filed into the dossier."""
    head = report.title or _("思想汇报")
    when = timezone.localtime(report.first_submitted_at or timezone.now()).date().isoformat()
    return f"{head}\n{report.author_name} · {when}\n\n{report.body}\n"


def _file_into_dossier(report: Report, *, acting_user: Any) -> None:
    if report.dossier is None:
        return
    day = timezone.localdate()
    dossier_material_file(
        dossier=report.dossier,
        occurred_on=day,
        kind=_("思想汇报"),
        filename=f"思想汇报-{day.isoformat()}-{report.pk}.txt",
        content=report_text(report).encode("utf-8"),
        note=report.title,
        acting_user=acting_user,
    )


def report_annotate(*, acting_user: Any, report: Report, text: str) -> Note:
    """A reviewer's annotation (批注) on a submitted report not yet accepted."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("请填写批注内容。")]})
    if len(text) > NOTE_MAX:
        raise ValidationError({"text": [_("意见不能超过 %(n)s 字。") % {"n": NOTE_MAX}]})
    if report.status == Report.Status.DRAFT or not (
        is_contact(user=acting_user, report=report) or is_branch_manager(user=acting_user, report=report)
    ):
        raise PermissionDenied(_("只有该同志的培养联系人或所在党支部委员会可以审阅这份思想汇报。"))
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status == Report.Status.ACCEPTED:
            raise ValidationError(_("这份思想汇报已通过审阅，不能再批注。"))
        made = _note(locked, kind=Note.Kind.ANNOTATION, text=text, acting_user=acting_user)
        audit_record(event=EVENT_REPORT_ANNOTATED, actor=acting_user, target=locked, after={"note": made.pk})
    return made


def attachment_open(*, acting_user: Any, attachment: Attachment) -> IO[bytes]:
    """The stored file of an attachment; every opening is audited. The caller has checked that the
    user may see the report."""
    stream = get_storage().open(attachment.storage_key)
    audit_record(
        event=EVENT_ATTACHMENT_OPENED,
        actor=acting_user,
        target=attachment,
        detail={"report": attachment.report_id, "filename": attachment.filename},
    )
    return stream
