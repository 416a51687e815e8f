"""The committee sees how far each institution has signed its notices: counts each institution
publishes from its own schema, never a name."""

from __future__ import annotations

import io

from django.urls import reverse

from services.accounts.models import User
from services.documents import services, signoff
from services.documents.models import Document
from services.members.models import Member
from services.oversight.models import NoticeSignoffFigures
from services.oversight.services import figures_publish
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.documents.conftest import World, build_world
from tests.factories import MemberFactory


def _committee_notice(committee_user: User, *, requires_signoff: bool = True, title: str = "全市自查通知") -> Document:
    with in_schema("public"):
        return services.document_create(
            acting_user=committee_user,
            kind=Document.Kind.NOTICE,
            title=title,
            upload=io.BytesIO("请自查".encode()),
            filename="n.txt",
            requires_signoff=requires_signoff,
        )


def _publish(institution: Institution) -> None:
    with in_schema(institution):
        figures_publish(institution=institution)


def test_each_institution_publishes_its_own_counts_of_expected_and_signed_members(
    inst_a: Institution, inst_b: Institution, world: World, committee_user: User
) -> None:
    notice = _committee_notice(committee_user)
    plain = _committee_notice(committee_user, requires_signoff=False, title="无需签收的通知")
    with in_schema(inst_a):
        MemberFactory(branch=world.tree.branch_x, status=Member.Status.TRANSFERRED_OUT)  # not expected to sign
        expected_a = Member.objects.exclude(status__in=["transferred_out", "stopped", "deceased"]).count()
        signoff.public_notice_sign(document_id=notice.pk, acting_user=world.member_x)
        signoff.public_notice_sign(document_id=notice.pk, acting_user=world.secretary_x)
    with in_schema(inst_b):
        world_b = build_world("b_")
        expected_b = Member.objects.count()
    _publish(inst_a)
    _publish(inst_b)
    with in_schema("public"):
        a = NoticeSignoffFigures.objects.get(institution=inst_a, public_document_id=notice.pk)
        b = NoticeSignoffFigures.objects.get(institution=inst_b, public_document_id=notice.pk)
        assert (a.expected_count, a.signed_count) == (expected_a, 2)
        assert (b.expected_count, b.signed_count) == (expected_b, 0)
        assert not NoticeSignoffFigures.objects.filter(public_document_id=plain.pk).exists()
    with in_schema(inst_b):
        signoff.public_notice_sign(document_id=notice.pk, acting_user=world_b.member_x)
    _publish(inst_b)  # publishing again updates the row, never adds one
    with in_schema("public"):
        rows = NoticeSignoffFigures.objects.filter(institution=inst_b, public_document_id=notice.pk)
        assert [row.signed_count for row in rows] == [1]


def test_a_member_who_signed_and_then_left_no_longer_counts(
    inst_a: Institution, world: World, committee_user: User
) -> None:
    notice = _committee_notice(committee_user)
    with in_schema(inst_a):
        signoff.public_notice_sign(document_id=notice.pk, acting_user=world.member_x)
        Member.objects.filter(user=world.member_x).update(status=Member.Status.TRANSFERRED_OUT)
    _publish(inst_a)
    with in_schema("public"):
        assert NoticeSignoffFigures.objects.get(institution=inst_a, public_document_id=notice.pk).signed_count == 0


def test_the_console_shows_each_institution_and_no_names(
    inst_a: Institution, inst_b: Institution, world: World, committee_user: User
) -> None:
    notice = _committee_notice(committee_user)
    with in_schema(inst_a):
        signoff.public_notice_sign(document_id=notice.pk, acting_user=world.member_x)
        signer = Member.objects.get(user=world.member_x).name
    _publish(inst_a)  # inst_b has not published yet
    page = client_for(None, committee_user).get(
        reverse("documents:console_detail", kwargs={"pk": notice.pk}, urlconf="partycloud.urls_public")
    )
    body = page.content.decode()
    assert page.status_code == 200 and "各校签收情况" in body
    with in_schema("public"):
        figures = NoticeSignoffFigures.objects.get(institution=inst_a)
    row_a = body.split(f'data-institution="{inst_a.code}"', 1)[1].split("</tr>", 1)[0]
    assert f"<td>{figures.expected_count}</td><td>1</td>" in row_a
    percent = round(100 / figures.expected_count)
    assert f"合计：应签收 {figures.expected_count} 人，已签收 1 人（{percent}%）" in body  # only A has reported
    row_b = body.split(f'data-institution="{inst_b.code}"', 1)[1].split("</tr>", 1)[0]
    assert "尚未汇总" in row_b
    assert body.index(f'data-institution="{inst_b.code}"') < body.index(f'data-institution="{inst_a.code}"')
    assert signer not in body  # counts only


def test_deleting_the_notice_removes_its_figures(inst_a: Institution, world: World, committee_user: User) -> None:
    notice = _committee_notice(committee_user)
    _publish(inst_a)
    with in_schema("public"):
        assert NoticeSignoffFigures.objects.filter(public_document_id=notice.pk).exists()
        services.document_delete(document=notice, acting_user=committee_user)
        assert not NoticeSignoffFigures.objects.filter(public_document_id=notice.pk).exists()
