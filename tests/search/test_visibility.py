"""Who finds what: the caller's scope narrows every query inside the backend (members by the
scope rule, documents by their org subtree), and institutions never see each other's index."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from services.organization.models import Position
from services.search.backends import Query, Visibility
from services.search.contract import IndexEntry
from tests.conftest import in_schema, make_user
from tests.search.helpers import branch, find, ids, index, index_members, person, titles


def doc(object_id: int, title: str, org_path: str = "", **fields) -> IndexEntry:
    return IndexEntry(
        kind="document",
        object_id=object_id,
        title=title,
        body=fields.pop("body", title),
        url=f"/d/{object_id}/",
        org_path=org_path,
        **fields,
    )


@pytest.fixture
def campus(backend, inst_a):
    """College C with branches X and Y; X's secretary, a plain member of X, a member of Y, a
    document for each branch, one for C and one for the whole institution."""
    with in_schema(inst_a):
        college = branch("计算机学院党委")
        x = branch("教工第一党支部", parent=college)
        y = branch("学生第二党支部", parent=college)
        secretary = person(name="王书记", branch=x, position=Position.Kind.SECRETARY)
        plain = person(name="李群众", branch=x)
        from tests.factories import MemberFactory

        colleague = MemberFactory(name="赵同事", branch=x)
        other = MemberFactory(name="张伟", branch=y)
        index_members(backend, secretary.member, plain.member, colleague, other)
        index(
            backend,
            [
                doc(1, "教工第一党支部学习计划", x.path),
                doc(2, "学生第二党支部学习计划", y.path),
                doc(3, "计算机学院党委学习计划", college.path),
                doc(4, "全校学习计划", ""),
            ],
        )
    return {
        "college": college,
        "x": x,
        "y": y,
        "secretary": secretary,
        "plain": plain,
        "colleague": colleague,
        "other": other,
    }


def test_secretary_of_x_finds_x_members_but_not_y_members(campus, inst_a) -> None:
    with in_schema(inst_a):
        assert titles(find(campus["secretary"], "赵同事")) == ["赵同事"]
        assert find(campus["secretary"], "张伟").total == 0


def test_secretary_of_x_finds_documents_of_x_its_parent_and_the_institution_not_y(campus, inst_a) -> None:
    with in_schema(inst_a):
        found = set(titles(find(campus["secretary"], "学习计划", kinds=("document",))))
    assert found == {"教工第一党支部学习计划", "计算机学院党委学习计划", "全校学习计划"}


def test_a_member_finds_only_themselves_among_members(campus, inst_a) -> None:
    with in_schema(inst_a):
        assert titles(find(campus["plain"], "李群众")) == ["李群众"]
        assert find(campus["plain"], "赵同事").total == 0
        assert find(campus["plain"], "王书记").total == 0
        documents = set(titles(find(campus["plain"], "学习计划")))
    assert documents == {"教工第一党支部学习计划", "计算机学院党委学习计划", "全校学习计划"}


def test_institution_admin_finds_everyone(campus, inst_a) -> None:
    with in_schema(inst_a):
        admin = make_user(inst_a, username="search_admin", is_superuser=True)
        assert find(admin, "张伟").total == 1
        assert find(admin, "学习计划").total == 4


def test_a_user_without_a_record_finds_institution_wide_documents_only(campus, inst_a) -> None:
    with in_schema(inst_a):
        stranger = make_user(inst_a, username="search_stranger")
        assert titles(find(stranger, "学习计划")) == ["全校学习计划"]
        assert find(stranger, "张伟").total == 0


def test_the_visibility_filter_is_inside_the_query_so_totals_and_pages_agree(campus, inst_a, backend) -> None:
    """The count is what the user may see, not what the index holds: nothing is filtered after."""
    with in_schema(inst_a):
        results = find(campus["secretary"], "学习计划", limit=1)
    assert results.total == 3 and len(results.hits) == 1


def test_members_are_found_by_full_pinyin_and_initials(campus, inst_a) -> None:
    with in_schema(inst_a):
        admin = make_user(inst_a, username="search_admin2", is_superuser=True)
        assert titles(find(admin, "zhangwei")) == ["张伟"]
        assert "张伟" in titles(find(admin, "zw"))
        assert "张伟" in titles(find(admin, "ZhangWei"))
        assert "张伟" in titles(find(admin, "zhangw", prefix=True))
        # the secretary of X still does not find Y's member by pinyin
        assert find(campus["secretary"], "zhangwei").total == 0


def test_national_id_and_phone_are_never_indexed(campus, inst_a, backend) -> None:
    with in_schema(inst_a):
        other = campus["other"]
        other.phone = "13912345678"
        other.save()
        index_members(backend, other)
        admin = make_user(inst_a, username="search_admin3", is_superuser=True)
        assert find(admin, other.national_id).total == 0
        assert find(admin, other.national_id[-6:]).total == 0
        assert find(admin, "13912345678").total == 0
        if backend.name == "postgres":
            with connection.cursor() as cursor:
                cursor.execute("SELECT body, plain, extra::text FROM search_searchentry WHERE kind = 'member'")
                stored = " ".join(" ".join(row) for row in cursor.fetchall())
            assert other.national_id not in stored and "13912345678" not in stored


def test_an_institution_never_finds_another_institutions_entries(backend, inst_a, inst_b) -> None:
    with in_schema(inst_b):
        index(backend, [doc(7, "乙学院专属通知 B-SECRET-MARKER")])
    with in_schema(inst_a):
        index(backend, [doc(7, "甲大学通知 A-VISIBLE-MARKER")])
        admin = make_user(inst_a, username="search_admin4", is_superuser=True)
        assert titles(find(admin, "通知")) == ["甲大学通知 A-VISIBLE-MARKER"]
        assert find(admin, "乙学院").total == 0


def test_what_the_committee_publishes_in_public_is_found_by_every_institution(backend, inst_a, inst_b) -> None:
    index_public = backend.upsert
    index_public(schema="public", entries=[doc(11, "市委教育工委关于加强高校党建工作的意见")])
    backend.refresh(schema="public")
    for institution in (inst_a, inst_b):
        with in_schema(institution):
            stranger = make_user(institution, username=f"pub_{institution.code}")
            hits = find(stranger, "高校党建").hits
            assert [(h.title, h.public) for h in hits] == [("市委教育工委关于加强高校党建工作的意见", True)]


def test_filters_by_type_tag_date_and_unit(campus, inst_a, backend) -> None:
    with in_schema(inst_a):
        index(
            backend,
            [
                doc(21, "党费通知一", doc_type="notice", tags=("党费",), day=date(2024, 1, 1)),
                doc(22, "党费通知二", doc_type="notice", tags=("党费", "年度"), day=date(2024, 6, 30)),
                doc(23, "党费学习资料", doc_type="study", tags=("党费",), day=date(2024, 7, 1)),
                doc(24, "支部党费记录", campus["x"].path, doc_type="minutes", day=date(2024, 3, 1)),
            ],
        )
        admin = make_user(inst_a, username="search_admin5", is_superuser=True)
        from services.search.selectors import Filters

        def found(**filters):
            return {h.object_id for h in find(admin, "党费", filters=Filters(**filters)).hits}

        assert found() == {21, 22, 23, 24}
        assert found(doc_type="notice") == {21, 22}
        assert found(tag="年度") == {22}
        # the date range includes both ends: exactly on the boundary is in, one day out is not
        assert found(day_from=date(2024, 1, 1), day_to=date(2024, 6, 30)) == {21, 22, 24}
        assert found(day_from=date(2024, 1, 2), day_to=date(2024, 6, 29)) == {24}
        assert found(org_path=campus["college"].path) == {24}
        assert found(org_path=campus["y"].path) == set()


def test_backend_query_with_no_scope_sees_no_members(backend, inst_a) -> None:
    with in_schema(inst_a):
        from tests.factories import MemberFactory

        member = MemberFactory(name="孙悟空")
        index_members(backend, member)
        nobody = backend.search(schema=connection.schema_name, query=Query(text="孙悟空", visibility=Visibility()))
        everyone = backend.search(
            schema=connection.schema_name, query=Query(text="孙悟空", visibility=Visibility(everything=True))
        )
    assert nobody.total == 0 and ids(everyone) == {member.pk}
