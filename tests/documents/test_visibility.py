"""Who sees which document (selectors.visibility_q, the one rule), and the committee's documents
seen from every institution while an institution's documents never cross to another."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse

from services.accounts.models import User
from services.documents import selectors, services
from services.documents.models import Document
from services.organization.models import OrgUnit
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.documents.conftest import World, build_world


def _doc(user: Any, unit: OrgUnit | None, title: str) -> Document:
    return services.document_create(
        acting_user=user,
        kind=Document.Kind.NOTICE,
        title=title,
        upload=io.BytesIO(title.encode()),
        filename="n.txt",
        scope_unit=unit,
    )


def _titles(user: Any) -> set[str]:
    return set(selectors.document_list(acting_user=user).values_list("title", flat=True))


def _publish_everywhere(world: World) -> None:
    t = world.tree
    _doc(world.admin, None, "全校")
    _doc(world.admin, t.committee, "党委范围")
    _doc(world.admin, t.college, "学院")
    _doc(world.admin, t.branch_x, "X支部")
    _doc(world.admin, t.branch_y, "Y支部")
    _doc(world.admin, t.branch_z, "Z支部")


def test_a_secretary_of_branch_x_cannot_see_documents_scoped_to_branch_y(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        _publish_everywhere(world)
        seen = _titles(world.secretary_x)
        assert "Y支部" not in seen and "Z支部" not in seen
        assert {"全校", "党委范围", "学院", "X支部"} <= seen


def test_a_member_sees_their_branch_the_units_above_and_the_whole_institution(
    inst_a: Institution, world: World
) -> None:
    with in_schema(inst_a):
        _publish_everywhere(world)
        assert _titles(world.member_x) == {"全校", "党委范围", "学院", "X支部"}
        assert _titles(world.member_z) == {"全校", "党委范围", "Z支部"}


def test_a_manager_above_sees_the_branches_below(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        _publish_everywhere(world)
        assert _titles(world.college_admin) == {"全校", "党委范围", "学院", "X支部", "Y支部"}
        assert len(_titles(world.admin)) == 6


def test_someone_without_a_member_record_or_position_sees_only_the_whole_institution(
    inst_a: Institution, world: World
) -> None:
    with in_schema(inst_a):
        _publish_everywhere(world)
        from tests.factories import UserFactory

        assert _titles(UserFactory(username="nobody")) == {"全校"}


def test_a_hidden_document_is_a_404_not_a_403(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        hidden = _doc(world.admin, world.tree.branch_y, "Y支部")
    response = client_for(inst_a, world.member_x).get(reverse("documents:detail", kwargs={"pk": hidden.pk}))
    assert response.status_code == 404
    file = client_for(inst_a, world.member_x).get(reverse("documents:file", kwargs={"pk": hidden.pk, "number": 1}))
    assert file.status_code == 404


def test_committee_documents_are_seen_in_both_institutions_and_institution_documents_in_neither_other(
    inst_a: Institution, inst_b: Institution, world: World, committee_user: User
) -> None:
    with in_schema("public"):
        public = _doc(committee_user, None, "市委教育工委通知")
    with in_schema(inst_a):
        _doc(world.admin, None, "甲校全校通知")
    with in_schema(inst_b):
        world_b = build_world("b_")
        _doc(world_b.admin, None, "乙校全校通知")
    for inst, user, own, other in (
        (inst_a, world.member_x, "甲校", "乙校"),
        (inst_b, world_b.member_x, "乙校", "甲校"),
    ):
        client = client_for(inst, user)
        public_list = client.get(reverse("documents:library") + "?source=public").content.decode()
        assert "市委教育工委通知" in public_list
        own_list = client.get(reverse("documents:library")).content.decode()
        assert f"{own}全校通知" in own_list and f"{other}全校通知" not in own_list
        assert "市委教育工委通知" not in own_list  # the committee's are on their own tab
        detail = client.get(reverse("documents:public_detail", kwargs={"pk": public.pk}))
        assert detail.status_code == 200 and "市委教育工委通知" in detail.content.decode()
        file = client.get(reverse("documents:public_file", kwargs={"pk": public.pk, "number": 1}))
        assert b"".join(file.streaming_content) == "市委教育工委通知".encode()  # type: ignore[attr-defined]
        api = client.get(reverse("public-document-list")).json()
        assert [row["title"] for row in api] == ["市委教育工委通知"]


def test_institution_pages_never_write_to_the_public_schema(inst_a: Institution, world: World) -> None:
    # An institution admin uploads on the institution's site: the row lands in its own schema.
    client = client_for(inst_a, world.admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("documents:upload"),
        {"kind": "notice", "title": "只在本校", "file": SimpleUploadedFile("a.txt", "本校".encode())},
    )
    assert response.status_code == 302
    with in_schema("public"):
        assert not Document.objects.filter(title="只在本校").exists()
    with in_schema(inst_a):
        assert Document.objects.filter(title="只在本校").exists()


def test_console_publishing_needs_a_committee_or_operator_account(inst_a: Institution) -> None:
    plain = make_user(None, username="console_plain")
    response = client_for(None, plain).get(reverse("documents:console_list", urlconf="partycloud.urls_public"))
    assert response.status_code == 403
