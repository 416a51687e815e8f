"""Branch → branch inside an institution."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.audit.models import AuditEvent
from services.members.models import Member, MemberChange
from services.transfers.models import Transfer
from services.transfers.services import transfer_internal
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory
from tests.transfers.helpers import side


def test_secretary_moves_a_member_of_their_branch_with_history_and_audit(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        member = MemberFactory(branch=s.tree.branch_x)
        transfer = transfer_internal(
            member=member, to_branch=s.tree.branch_z, reason="调整支部", acting_user=s.secretary
        )
        member.refresh_from_db()
        assert member.branch == s.tree.branch_z
        assert transfer.kind == Transfer.Kind.INTERNAL and transfer.status == Transfer.Status.COMPLETED
        change = MemberChange.objects.get(member=member, kind="transferred")
        assert change.changes == {"branch": ["X支部", "Z支部"]}
        assert AuditEvent.objects.filter(object_id=str(member.pk), detail__action="transfer.internal").exists()


def test_secretary_cannot_move_a_member_of_another_branch(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        member = MemberFactory(branch=s.tree.branch_y)
        with pytest.raises(PermissionDenied):
            transfer_internal(member=member, to_branch=s.tree.branch_x, reason="调整", acting_user=s.secretary)
        member.refresh_from_db()
        assert member.branch == s.tree.branch_y


def test_internal_transfer_needs_a_reason_and_an_open_branch(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        member = MemberFactory(branch=s.tree.branch_x)
        with pytest.raises(ValidationError):
            transfer_internal(member=member, to_branch=s.tree.branch_y, reason=" ", acting_user=s.secretary)
        with pytest.raises(ValidationError):
            transfer_internal(member=member, to_branch=s.tree.college, reason="x", acting_user=s.secretary)


def test_a_transferred_out_member_cannot_move_branch(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        member = MemberFactory(branch=s.tree.branch_x, status=Member.Status.TRANSFERRED_OUT)
        with pytest.raises(ValidationError):
            transfer_internal(member=member, to_branch=s.tree.branch_y, reason="x", acting_user=s.secretary)
