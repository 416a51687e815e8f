"""Accounts follow a transfer: the leaver's account is disabled with its sessions and tokens when
the member is transferred out (a letter out of the platform, or the move to another institution),
and the receiver makes a fresh account for the arrival to activate."""

from __future__ import annotations

from services.accounts.models import ApiToken, User, UserSession
from services.accounts.services import api_token_create
from services.members.models import Member
from services.transfer_exchange.models import ExchangeLetter
from services.transfers import moves
from services.transfers.models import IncomingLetter
from services.transfers.services import incoming_accept, transfer_letter_issue, transfer_letter_send
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.transfers.helpers import graduate, side


def _with_account(inst: Institution, member: Member, username: str) -> User:
    user = make_user(inst, username=username)
    with in_schema(inst):
        Member.objects.filter(pk=member.pk).update(user=user)
        api_token_create(user=user, name="phone")
    client_for(inst, user)  # signed in somewhere
    return user


def _access_ended(user: User) -> bool:
    user.refresh_from_db()
    return (
        not user.is_active
        and not UserSession.objects.filter(user=user).exists()
        and not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    )


def test_a_letter_out_of_the_platform_closes_the_account(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        member = graduate(s.tree.branch_x)
    user = _with_account(inst_a, member, "graduate_out")
    with in_schema(inst_a):
        transfer_letter_issue(
            member=member, to_organization="中共某公司委员会", reason="毕业就业", acting_user=s.secretary
        )
        assert _access_ended(user)


def test_a_move_closes_the_senders_account_and_opens_a_fresh_one_at_the_receiver(
    inst_a: Institution, inst_b: Institution
) -> None:
    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        sa = side("a")
        member = graduate(sa.tree.branch_x, status=Member.Status.NORMAL)
    user = _with_account(inst_a, member, "graduate_move")
    with in_schema(inst_a):
        transfer = transfer_letter_send(
            member=member, to_institution=inst_b, reason="工作调动", acting_user=sa.secretary
        )
    with in_schema(inst_b):
        entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
        incoming_accept(incoming=[entry], target_branch=sb.tree.branch_x, acting_user=sb.secretary)
    with in_schema("public"):
        assert moves.move_letters(letter_ids=[str(transfer.letter_id)]) == {"moved": 1, "problems": 0}
    assert ExchangeLetter.objects.get(pk=transfer.letter_id).status == ExchangeLetter.Status.COMPLETED
    with in_schema(inst_a):
        assert _access_ended(user)
    with in_schema(inst_b):
        arrived = Member.objects.select_related("user").get(national_id_index=member.national_id_index)
        assert arrived.user is not None and arrived.user.is_active
        assert arrived.user.activated_at is None and not arrived.user.has_usable_password()  # to activate
