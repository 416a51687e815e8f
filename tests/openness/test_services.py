"""Publishing and withdrawing board items: who may, what is refused (in Chinese, nothing written),
idempotent publishing by source key, and who reads what on the board and in the archive."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from services.audit.models import AuditEvent
from services.openness import selectors
from services.openness.models import BoardItem
from services.openness.services import publish_item, withdraw_item
from services.organization.models import AdminGrant, OrgUnit
from tenants.models import Institution
from tests.conftest import make_user
from tests.factories import MemberFactory
from tests.orglife.conftest import Branch

pytestmark = pytest.mark.django_db

Kind = BoardItem.Kind


def publish(branch: Branch, **fields: object) -> BoardItem:
    values: dict[str, object] = {
        "acting_user": branch.secretary,
        "kind": Kind.NOTICE,
        "unit": branch.unit,
        "title": "关于开展主题党日活动的通知",
        "body": "请各位党员准时参加。",
    }
    values.update(fields)
    return publish_item(**values)  # type: ignore[arg-type]


def test_a_secretary_publishes_to_the_branch_audited(branch: Branch) -> None:
    item = publish(branch)
    assert item.published_on == timezone.localdate() and item.publisher_name
    event = AuditEvent.objects.get(event="openness.item_published")
    assert event.after["kind"] == "notice" and event.after["unit"] == branch.unit.pk


def test_publishing_for_a_unit_one_does_not_manage_is_refused(branch: Branch, other_branch: OrgUnit) -> None:
    with pytest.raises(PermissionDenied) as caught:
        publish(branch, unit=other_branch)
    assert "第二党支部" in str(caught.value)
    with pytest.raises(PermissionDenied):
        publish(branch, unit=None)  # the whole institution: managers of the whole tree only
    assert not BoardItem.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"title": "   "}, "title", "标题"),
        ({"published_on": date(2026, 12, 10), "ends_on": date(2026, 12, 9)}, "ends_on", "截止日期"),
        ({"link": "javascript:alert(1)"}, "link", "链接"),
        ({"body": "联系人身份证号 110101199003071234"}, "body", "身份证"),
        ({"body": "请联系 13912345678"}, "body", "手机"),
        ({"kind": "gossip"}, "kind", "类别"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    branch: Branch, fields: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        publish(branch, **fields)
    assert words in " ".join(caught.value.message_dict[field])
    assert not BoardItem.objects.exists() and not AuditEvent.objects.filter(event__startswith="openness.").exists()


def test_the_same_source_published_again_changes_the_item(branch: Branch) -> None:
    first = publish(branch, source_key="test:1")
    again = publish(branch, source_key="test:1")
    assert again.pk == first.pk
    assert not AuditEvent.objects.filter(event="openness.item_republished").exists()  # nothing changed
    changed = publish(branch, source_key="test:1", title="更正后的通知")
    assert changed.pk == first.pk and BoardItem.objects.get().title == "更正后的通知"
    assert AuditEvent.objects.filter(event="openness.item_republished").count() == 1
    assert publish(branch, source_key="test:1", kind=Kind.OTHER).pk != first.pk  # unique per kind


def test_withdrawing_keeps_it_in_the_archive_and_twice_is_refused(branch: Branch) -> None:
    item = publish(branch)
    with pytest.raises(ValidationError) as caught:
        withdraw_item(acting_user=branch.secretary, item=item, reason=" ")
    assert "撤回原因" in str(caught.value)
    withdraw_item(acting_user=branch.secretary, item=item, reason="内容有误")
    with pytest.raises(ValidationError) as caught:
        withdraw_item(acting_user=branch.secretary, item=item, reason="再撤一次")
    assert "已经撤回" in str(caught.value)
    item.refresh_from_db()
    assert item.withdraw_reason == "内容有误"
    assert AuditEvent.objects.filter(event="openness.item_withdrawn").count() == 1
    assert not selectors.board_items(acting_user=branch.secretary).exists()
    assert list(selectors.archive_items(acting_user=branch.secretary)) == [item]
    # published again after a withdrawal: a new item
    assert publish(branch).pk != item.pk


def test_withdrawing_needs_a_manager_of_the_unit(inst_a: Institution, branch: Branch) -> None:
    item = publish(branch)
    member_user = make_user(inst_a, username="openness_plain")
    branch.members[5].user = member_user
    branch.members[5].save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        withdraw_item(acting_user=member_user, item=item, reason="不想看")
    assert not BoardItem.objects.get().withdrawn


def test_who_reads_what(inst_a: Institution, branch: Branch, other_branch: OrgUnit) -> None:
    today = timezone.localdate()
    admin = make_user(inst_a, username="openness_admin", is_superuser=True)
    mine = publish(branch, title="本支部公开")
    whole = publish_item(acting_user=admin, kind=Kind.NOTICE, unit=None, title="全校公开")
    elsewhere = publish_item(acting_user=admin, kind=Kind.NOTICE, unit=other_branch, title="他支部公开")
    ended = publish(branch, title="已截止", published_on=today - timedelta(days=10), ends_on=today - timedelta(days=1))
    future = publish(branch, title="尚未公开", published_on=today + timedelta(days=3))
    group = publish(branch, title="小组公开", unit=branch.group)
    reader = make_user(inst_a, username="openness_reader")
    in_group = branch.members[3]  # members[:4] are in the party group
    in_group.user = reader
    in_group.save(update_fields=["user"])
    assert set(selectors.board_items(acting_user=reader)) == {mine, whole, group}
    outsider = make_user(inst_a, username="openness_outsider")
    MemberFactory(branch=other_branch, user=outsider)
    assert set(selectors.board_items(acting_user=outsider)) == {whole, elsewhere}
    assert list(selectors.board_items(acting_user=reader, kind=Kind.DUES)) == []
    # the archive: a manager's own units, every state; a plain member has none
    assert set(selectors.archive_items(acting_user=branch.secretary)) == {mine, ended, future, group}
    assert not selectors.archive_items(acting_user=reader).exists()
    assert set(selectors.archive_items(acting_user=admin)) == {mine, whole, elsewhere, ended, future, group}
    with pytest.raises(BoardItem.DoesNotExist):
        selectors.item_get(acting_user=reader, pk=ended.pk)
    assert selectors.item_get(acting_user=branch.secretary, pk=ended.pk) == ended
    with pytest.raises(BoardItem.DoesNotExist):
        selectors.item_get(acting_user=outsider, pk=mine.pk)


def test_the_institution_admin_grant_publishes_to_everyone(inst_a: Institution, branch: Branch) -> None:
    admin = make_user(inst_a, username="openness_grant")
    root = OrgUnit.objects.filter(parent__isnull=True).first()
    assert root is not None
    AdminGrant.objects.create(user=admin, unit=root, role=AdminGrant.Role.INSTITUTION_ADMIN, starts_on=date(2020, 1, 1))
    item = publish_item(acting_user=admin, kind=Kind.NOTICE, unit=None, title="全校通知")
    assert item.unit is None
