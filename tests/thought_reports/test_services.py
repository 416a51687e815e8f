"""The report's life: a draft, submitted to the contact person, passed on to the branch, returned
with a note, revised, accepted and filed into the dossier; then final, in the service and in the
database. Refusals are Chinese and change nothing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from services.audit.models import AuditEvent
from services.development.models import DossierDocument, DossierStep
from services.thought_reports import services
from services.thought_reports.models import Attachment, Note, Report

from .conftest import People

pytestmark = pytest.mark.django_db


def write(people: People, **fields: object) -> Report:
    values = {"title": "第一季度思想汇报", "body": "本季度我认真学习了党章。", **fields}
    return services.report_save(acting_user=people.activist, **values)  # type: ignore[arg-type]


def accepted(people: People) -> Report:
    report = write(people, submit=True)
    report = services.report_review(acting_user=people.contact, report=report, accept=True)
    return services.report_review(acting_user=people.secretary, report=report, accept=True, note="同意")


def test_a_draft_goes_to_the_contact_person_then_the_branch_and_is_filed_into_the_dossier(people: People) -> None:
    report = write(people)
    assert report.status == Report.Status.DRAFT and report.dossier == people.dossier and report.due_on is None
    report = services.report_submit(acting_user=people.activist, report=report)
    assert report.status == Report.Status.CONTACT and report.due_on is not None
    report = services.report_review(acting_user=people.contact, report=report, accept=True, note="写得认真")
    assert report.status == Report.Status.BRANCH
    report = services.report_review(acting_user=people.secretary, report=report, accept=True)
    assert report.status == Report.Status.ACCEPTED and report.accepted_by == people.secretary
    step = DossierStep.objects.get(dossier=people.dossier, code="thought_report")
    assert step.review == DossierStep.Review.APPROVED and step.title == "思想汇报"
    document = DossierDocument.objects.get(step=step)
    assert document.kind == "思想汇报" and document.filename.endswith(".txt")
    events = set(
        AuditEvent.objects.filter(object_id=str(report.pk), object_type__contains="report").values_list(
            "event", flat=True
        )
    )
    assert {"thought_reports.saved", "thought_reports.submitted", "thought_reports.reviewed"} <= events


def test_the_contact_person_returns_it_with_a_note_and_the_revision_is_submitted_again(people: People) -> None:
    report = write(people, submit=True)
    with pytest.raises(ValidationError) as refused:
        services.report_review(acting_user=people.contact, report=report, accept=False, note="  ")
    assert "退回时请写明需要修改的地方" in str(refused.value)
    report = services.report_review(
        acting_user=people.contact, report=report, accept=False, note="请结合专业学习谈体会"
    )
    assert report.status == Report.Status.RETURNED
    assert Note.objects.get(report=report).text == "请结合专业学习谈体会"
    report = services.report_save(
        acting_user=people.activist, report=report, title=report.title, body="修改后的内容", submit=True
    )
    assert report.status == Report.Status.CONTACT and report.revision == 1 and report.body == "修改后的内容"


def test_an_accepted_report_cannot_be_edited_by_the_service_nor_in_the_database(people: People) -> None:
    report = accepted(people)
    with pytest.raises(ValidationError) as refused:
        services.report_save(acting_user=people.activist, report=report, title="改", body="改")
    assert "已通过审阅，不能再修改" in str(refused.value)
    with pytest.raises(ValidationError):
        services.report_submit(acting_user=people.activist, report=report)
    with pytest.raises(ValidationError):
        services.report_annotate(acting_user=people.secretary, report=report, text="补充")
    for change in (
        lambda: Report.objects.filter(pk=report.pk).update(body="篡改"),
        lambda: Report.objects.filter(pk=report.pk)._raw_delete("default"),
        lambda: Note.objects.filter(report=report).update(text="篡改"),
        lambda: Note.objects.create(report=report, kind=Note.Kind.ANNOTATION, text="x"),
        lambda: Attachment.objects.create(report=report, filename="a.txt", storage_key="k"),
    ):
        with pytest.raises(DatabaseError) as caught, transaction.atomic():
            change()
        assert "已通过的思想汇报" in str(caught.value) or "审阅意见不能修改" in str(caught.value)
    report.refresh_from_db()
    assert report.body == "本季度我认真学习了党章。"


def test_empty_text_is_refused_on_submission_and_an_empty_draft_is_refused(people: People) -> None:
    with pytest.raises(ValidationError) as refused:
        write(people, title="", body="   ")
    assert refused.value.message_dict["body"] == ["请填写汇报内容。"]
    with pytest.raises(ValidationError) as refused:
        write(people, body="", submit=True)
    assert refused.value.message_dict["body"] == ["请填写汇报内容后再提交。"]
    assert not Report.objects.exists()


def test_only_the_author_changes_a_report_and_a_stranger_cannot_review_it(people: People) -> None:
    report = write(people)
    with pytest.raises(PermissionDenied) as refused:
        services.report_save(acting_user=people.contact, report=report, title="x", body="代写")
    assert "只能修改或提交本人的思想汇报" in str(refused.value)
    report = services.report_submit(acting_user=people.activist, report=report)
    with pytest.raises(PermissionDenied):
        services.report_review(acting_user=people.stranger, report=report, accept=True)
    with pytest.raises(ValidationError) as early:
        services.report_review(acting_user=people.secretary, report=report, accept=True)
    assert "待培养联系人审阅" in str(early.value)
    with pytest.raises(PermissionDenied):
        services.report_annotate(acting_user=people.stranger, report=report, text="看看")
    report.refresh_from_db()
    assert report.status == Report.Status.CONTACT and report.body == "本季度我认真学习了党章。"


def test_someone_outside_the_pipeline_writes_no_report(people: People) -> None:
    with pytest.raises(ValidationError) as refused:
        services.report_save(acting_user=people.stranger, title="x", body="y")
    assert "无需提交思想汇报" in str(refused.value)


def test_attachments_are_stored_and_removed_through_the_storage_interface(people: People) -> None:
    upload = services.Upload(filename="学习笔记.txt", stream=io.BytesIO("学习笔记内容".encode()))
    report = write(people, uploads=[upload])
    attachment = Attachment.objects.get(report=report)
    with services.attachment_open(acting_user=people.activist, attachment=attachment) as stream:
        assert stream.read().decode() == "学习笔记内容"
    report = services.report_save(
        acting_user=people.activist, report=report, title="t", body="b", remove_attachments=[attachment.pk]
    )
    assert not Attachment.objects.filter(report=report).exists()


def test_without_a_contact_person_a_report_goes_straight_to_the_branch(people: People) -> None:
    people.dossier.contacts.all().delete()
    report = write(people, submit=True)
    assert report.status == Report.Status.BRANCH
    report = services.report_review(acting_user=people.secretary, report=report, accept=False, note="请补充")
    assert report.status == Report.Status.RETURNED


def test_annotations_by_reviewers(people: People) -> None:
    report = write(people, submit=True)
    note = services.report_annotate(acting_user=people.contact, report=report, text="第二段很好")
    assert note.kind == Note.Kind.ANNOTATION and note.written_by == people.contact
    with pytest.raises(ValidationError):
        services.report_annotate(acting_user=people.contact, report=report, text=" ")
