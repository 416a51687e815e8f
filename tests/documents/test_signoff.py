"""Read receipts (签收): members in the notice's scope sign once; a manager sees who has and who
has not signed among the members they cover, in one query."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.documents import selectors, services, signoff
from services.documents.models import Document, Receipt
from services.members.models import Member
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.documents.conftest import World
from tests.factories import MemberFactory


def _notice(world: World, unit: object = "college", *, signoff: bool = True) -> Document:
    return services.document_create(
        acting_user=world.admin,
        kind=Document.Kind.NOTICE,
        title="关于召开组织生活会的通知",
        upload=io.BytesIO("请按时参加".encode()),
        filename="通知.txt",
        scope_unit=world.tree.college if unit == "college" else unit,  # type: ignore[arg-type]
        requires_signoff=signoff,
    )


def test_a_member_in_scope_signs_once(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        notice = _notice(world)
        first = signoff.notice_sign(document=notice, acting_user=world.member_x)
        again = signoff.notice_sign(document=notice, acting_user=world.member_x)
        assert first.pk == again.pk and Receipt.objects.filter(document=notice).count() == 1


def test_a_member_outside_the_scope_cannot_sign(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        notice = _notice(world)
        with pytest.raises(PermissionDenied):
            signoff.notice_sign(document=notice, acting_user=world.member_z)


def test_a_document_without_sign_off_cannot_be_signed(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        with pytest.raises(ValidationError):
            signoff.notice_sign(document=_notice(world, signoff=False), acting_user=world.member_x)


def test_the_roll_lists_signed_and_unsigned_members_the_manager_covers_in_one_query(
    inst_a: Institution, world: World
) -> None:
    with in_schema(inst_a):
        MemberFactory(branch=world.tree.branch_x, name="已转出者", status=Member.Status.TRANSFERRED_OUT)
        notice = _notice(world)
        signoff.notice_sign(document=notice, acting_user=world.member_x)
        with CaptureQueriesContext(connection) as queries:
            viewer = selectors.viewer_for(world.secretary_x)
            before = len(queries)
            rows = list(selectors.receipt_roll(document=notice, acting_user=world.secretary_x, viewer=viewer))
        assert len(queries) - before == 1
        by_name = {row.name: row.signed_at for row in rows}
        x_names = set(
            Member.objects.filter(branch=world.tree.branch_x).exclude(name="已转出者").values_list("name", flat=True)
        )
        assert set(by_name) == x_names  # X's secretary covers X only; the transferred-out member is not expected
        signer = Member.objects.get(user=world.member_x).name
        assert by_name[signer] is not None
        assert all(at is None for name, at in by_name.items() if name != signer)
        college = {row.name for row in selectors.receipt_roll(document=notice, acting_user=world.college_admin)}
        assert college == set(
            Member.objects.filter(branch__path__startswith=world.tree.college.path)
            .exclude(status=Member.Status.TRANSFERRED_OUT)
            .values_list("name", flat=True)
        )


def test_the_pages_show_the_sign_button_and_the_unsigned_list(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        notice = _notice(world)
        unsigned_name = Member.objects.get(user=world.secretary_x).name
    member = client_for(inst_a, world.member_x)
    assert "我已阅读，签收" in member.get(reverse("documents:detail", kwargs={"pk": notice.pk})).content.decode()
    member.post(reverse("documents:sign", kwargs={"pk": notice.pk}))
    assert "您已签收" in member.get(reverse("documents:detail", kwargs={"pk": notice.pk})).content.decode()
    assert member.get(reverse("documents:receipts", kwargs={"pk": notice.pk})).status_code == 404
    secretary = client_for(inst_a, world.secretary_x)
    page = secretary.get(reverse("documents:receipts", kwargs={"pk": notice.pk})).content.decode()
    assert unsigned_name in page and "已签收 1 / 2 人" in page
    api = secretary.get(reverse("document-receipts", kwargs={"pk": notice.pk})).json()
    assert api["signed"] == 1 and [row["name"] for row in api["members"]] == [unsigned_name]


def test_committee_notices_are_signed_in_each_institution_separately(
    inst_a: Institution, inst_b: Institution, world: World, committee_user: object
) -> None:
    from tests.documents.conftest import build_world

    with in_schema("public"):
        notice = services.document_create(
            acting_user=committee_user,
            kind=Document.Kind.NOTICE,
            title="全市自查通知",
            upload=io.BytesIO("请自查".encode()),
            filename="n.txt",
            requires_signoff=True,
        )
    with in_schema(inst_b):
        world_b = build_world("b_")
    member = client_for(inst_a, world.member_x)
    detail = reverse("documents:public_detail", kwargs={"pk": notice.pk})
    assert "我已阅读，签收" in member.get(detail).content.decode()
    member.post(reverse("documents:public_sign", kwargs={"pk": notice.pk}))
    assert "您已签收" in member.get(detail).content.decode()
    assert "已签收" in member.get(reverse("documents:library") + "?source=public").content.decode()
    with in_schema(inst_a):
        assert Receipt.objects.filter(public_document_id=notice.pk).count() == 1
        signer = Member.objects.get(user=world.member_x).name
    with in_schema("public"):
        assert not Receipt.objects.exists()  # nothing an institution does is written to the public schema
    api = client_for(inst_b, world_b.member_x).post(reverse("public-document-sign", kwargs={"pk": notice.pk}))
    assert api.status_code == 200 and api.json()["document"] == notice.pk
    with in_schema(inst_b):
        assert Receipt.objects.get().member.user == world_b.member_x
        roll_b = [
            row
            for row in selectors.receipt_roll(document=notice, acting_user=world_b.admin, public=True)
            if row.signed_at is None
        ]
        assert Member.objects.get(user=world_b.member_x).name not in {row.name for row in roll_b}
        roll_b = list(selectors.receipt_roll(document=notice, acting_user=world_b.admin, public=True))
        assert len(roll_b) >= 6 and sum(row.signed_at is not None for row in roll_b) == 1
    page = client_for(inst_a, world.admin).get(
        reverse("documents:public_receipts", kwargs={"pk": notice.pk}, query={"show": "all"})
    )
    body = page.content.decode()
    assert signer in body and "已签收 1 /" in body


def test_an_administrator_with_a_member_record_signs_and_sees_it_signed(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        notice = _notice(world, unit=None)
        MemberFactory(branch=world.tree.branch_x, user=world.admin)
        signoff.notice_sign(document=notice, acting_user=world.admin)
    body = client_for(inst_a, world.admin).get(reverse("documents:library")).content.decode()
    assert "已签收" in body and "待签收" not in body
