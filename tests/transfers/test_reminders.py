"""Reminders for transfers not received: open letters past their validity, for the branch's managers."""

from __future__ import annotations

from datetime import timedelta

from services.members.models import Member
from services.organization.models import Position
from services.reminders.registry import sources
from services.storage.backends import get_storage
from services.transfers.models import Transfer
from services.transfers.reminders import NOT_RECEIVED, not_received
from services.transfers.services import transfer_letter_issue, transfer_letter_send, transfer_stub_return
from tenants.models import Institution
from tests.conftest import in_schema
from tests.members.helpers import person
from tests.transfers.helpers import graduate, side


def test_the_source_is_registered() -> None:
    assert sources()[NOT_RECEIVED] is not_received


def test_open_letters_are_due_on_their_last_valid_day_for_the_managers_of_the_branch(
    inst_a: Institution, inst_b: Institution
) -> None:
    with in_schema(inst_a):
        s = side("a")
        college_secretary = person(s.tree.college, "college_sec", Position.Kind.DEPUTY_SECRETARY)
        person(s.tree.branch_x, "x_propaganda", Position.Kind.PROPAGANDA)  # sees, does not manage
        outsider = person(s.tree.branch_z, "z_sec", Position.Kind.SECRETARY)
        letter = transfer_letter_send(
            member=graduate(s.tree.branch_x), to_institution=inst_b, reason="毕业", acting_user=s.secretary
        )
        pdf = transfer_letter_issue(
            member=graduate(s.tree.branch_x), to_organization="某单位", reason="毕业", acting_user=s.secretary
        )
        last_day = letter.valid_until
        assert last_day is not None and pdf.valid_until == last_day

        assert list(not_received(last_day - timedelta(days=1))) == []
        due = {d.key: d for d in not_received(last_day)}
        assert set(due) == {f"{NOT_RECEIVED}:{letter.pk}:{last_day}", f"{NOT_RECEIVED}:{pdf.pk}:{last_day}"}
        for item in due.values():
            assert set(item.recipient_ids) == {s.secretary.pk, college_secretary.pk}
            assert outsider.pk not in item.recipient_ids
            assert item.rule_key == "transfer.letter_validity_days" and item.due_on == last_day
        assert "尚未接收" in due[f"{NOT_RECEIVED}:{letter.pk}:{last_day}"].title
        assert "回执尚未返回" in due[f"{NOT_RECEIVED}:{pdf.pk}:{last_day}"].title

        transfer_stub_return(transfer=pdf, returned_on=pdf.issued_on, receiving_org="某单位", acting_user=s.secretary)
        Transfer.objects.filter(pk=letter.pk).update(status=Transfer.Status.COMPLETED)
        assert list(not_received(last_day + timedelta(days=30))) == []
        assert Member.objects.filter(pk=pdf.member_id, status="transferred_out").exists()
        get_storage().delete(pdf.pdf_key)
