"""The committee's console pages for indicator systems (console/standards_views.py): the tree
editor, publishing with its checks, .xlsx export and import, and the preview from de-identified
facts. Institution accounts never get in."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from services.oversight.models import UnitFact
from services.standards import services
from services.standards.models import IndicatorNode, IndicatorSystem, SpotCheck
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.standards.factories import build_system

pytestmark = pytest.mark.django_db
CONSOLE = settings.PUBLIC_SCHEMA_URLCONF


def _url(name: str, system: IndicatorSystem | None = None) -> str:
    return reverse(f"console:{name}", kwargs={"pk": system.pk} if system else None, urlconf=CONSOLE)


def test_the_committee_builds_a_tree_and_publishes_it(committee_user) -> None:
    client = client_for(None, committee_user)
    response = client.post(_url("standards_systems"), {"name": "考评", "institution_kind": "medical", "year": 2026})
    system = IndicatorSystem.objects.get(name="考评")
    assert response.status_code == 302 and response["Location"] == _url("standards_system", system)
    node = _url("standards_node", system)
    client.post(node, {"op": "add", "kind": "area", "new-title": "组织建设", "new-points": "100"})
    area = system.nodes.get()
    client.post(
        node,
        {"op": "add", "kind": "item", "parent": area.pk, "new-title": "三会一课", "new-points": "100",
         "new-rule": "per_evidence"},
    )  # fmt: skip
    item = system.nodes.get(kind="item")
    page = client.get(_url("standards_system", system)).content.decode()
    assert "按材料计分的评分项至少要有一项佐证材料" in page  # the check, before publishing
    client.post(node, {"op": "add", "kind": "evidence", "parent": item.pk, "new-title": "记录", "new-points": "60"})
    response = client.post(_url("standards_publish", system), follow=True)
    assert (
        "未发布：“组织建设” &gt; “三会一课”：佐证材料分值之和为 60.0，应等于本项分值 100.0" in response.content.decode()
    )
    evidence = system.nodes.get(kind="evidence")
    client.post(
        node, {"op": "edit", "node": evidence.pk, f"n{evidence.pk}-title": "记录", f"n{evidence.pk}-points": "100"}
    )
    client.post(_url("standards_publish", system))
    system.refresh_from_db()
    assert system.is_published
    # now frozen: the editor says so and changes nothing
    response = client.post(node, {"op": "remove", "node": evidence.pk}, follow=True)
    assert "已发布，不能再修改" in response.content.decode()
    assert IndicatorNode.objects.filter(pk=evidence.pk).exists()


def test_removing_a_node_removes_its_children(committee_user) -> None:
    system = build_system(committee_user)
    area = system.nodes.get(title="组织建设")
    client_for(None, committee_user).post(_url("standards_node", system), {"op": "remove", "node": area.pk})
    assert sorted(system.nodes.values_list("title", flat=True)) == ["学习教育", "学时达标"]


def test_moving_a_node_under_another_parent(committee_user) -> None:
    system = build_system(committee_user)
    item, study = system.nodes.get(title="三会一课"), system.nodes.get(title="学习教育")
    client = client_for(None, committee_user)
    page = client.get(_url("standards_system", system)).content.decode()
    assert f'id="move-{item.pk}"' in page
    client.post(_url("standards_node", system), {"op": "move", "node": item.pk, "parent": study.pk})
    assert IndicatorNode.objects.get(pk=item.pk).parent_id == study.pk
    evidence = system.nodes.get(title="会议记录")
    response = client.post(
        _url("standards_node", system), {"op": "move", "node": evidence.pk, "parent": study.pk}, follow=True
    )
    assert "这里不能添加佐证材料" in response.content.decode()


def test_a_bad_edit_is_refused_with_the_field_named(committee_user) -> None:
    system = build_system(committee_user)
    item = system.nodes.get(title="学时达标")
    response = client_for(None, committee_user).post(
        _url("standards_node", system),
        {"op": "edit", "node": item.pk, f"n{item.pk}-title": "学时", f"n{item.pk}-points": "-1"},
        follow=True,
    )
    assert "分值：" in response.content.decode()
    assert IndicatorNode.objects.get(pk=item.pk).points == D(40)


def test_export_then_import_from_the_pages(committee_user) -> None:
    system = build_system(committee_user)
    client = client_for(None, committee_user)
    exported = client.get(_url("standards_export", system))
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = io.BytesIO(exported.content)
    upload.name = "sheet.xlsx"
    response = client.post(_url("standards_import"), {"file": upload})
    copy = IndicatorSystem.objects.exclude(pk=system.pk).get()
    assert response["Location"] == _url("standards_system", copy)
    assert copy.nodes.count() == system.nodes.count()


def test_deleting_a_draft_needs_its_name(committee_user) -> None:
    system = build_system(committee_user)
    client = client_for(None, committee_user)
    assert "请输入指标体系名称以确认删除" in client.post(_url("standards_delete", system), follow=True).content.decode()
    client.post(_url("standards_delete", system), {"confirm_name": system.name})
    assert not IndicatorSystem.objects.filter(pk=system.pk).exists()


def test_the_preview_scores_each_branch_from_published_facts_only(committee_user, inst_a: Institution) -> None:
    system = build_system(committee_user)
    now = timezone.now()
    for path, numerator, denominator, suppressed in (("1.2.", 19, 20, False), ("1.3.", None, None, True)):
        UnitFact.objects.create(
            institution=inst_a, unit_path=path, depth=2, unit_kind="branch", period="2026",
            metric="study.hours_met", numerator=numerator, denominator=denominator, suppressed=suppressed,
            computed_at=now,
        )  # fmt: skip
    page = (
        client_for(None, committee_user)
        .get(_url("standards_preview", system), {"institution": inst_a.code})
        .content.decode()
    )
    assert "1.2." in page and "1.3." in page
    assert "19/20 = 95.0%" in page  # 40 points for study; evidence counts as missing
    assert "人数过少，数据已隐去" in page
    # 三会一课 0 + 按期换届 (veto, every piece missing) 0 + study 40 → 40, vetoed: capped at 59, grade 差
    assert "40.0 / 100" in page and "差（否决）" in page


def test_institution_accounts_and_plain_console_users_are_kept_out(inst_a: Institution, committee_user) -> None:
    system = build_system(committee_user)
    with in_schema(inst_a):
        admin = make_user(inst_a, username="inst_admin_std")
    assert client_for(inst_a, admin).get(_url("standards_system", system)).status_code == 404
    nobody = make_user(None, username="norole", platform_role="")
    assert client_for(None, nobody).get(_url("standards_system", system)).status_code == 403


def test_the_committee_draws_a_sample_from_published_results_and_records_a_check(
    committee_user, inst_a: Institution
) -> None:
    now = timezone.now()
    for path, score in (("1.2.", 875), ("1.3.", 600), ("1.4.", 910)):
        UnitFact.objects.create(
            institution=inst_a, unit_path=path, depth=2, unit_kind="branch", period="2026",
            metric="standards.score", numerator=score, denominator=1000, computed_at=now,
        )  # fmt: skip
    client = client_for(None, committee_user)
    url = reverse("console:standards_spot_checks", urlconf=CONSOLE)
    client.post(url, {"op": "draw", "year": "2026", "count": "2"})
    checks = list(SpotCheck.objects.filter(year=2026))
    assert len(checks) == 2 and {c.unit_path for c in checks} <= {"1.2.", "1.3.", "1.4."}
    client.post(url, {"op": "draw", "year": "2026", "count": "5"})  # only the one left
    assert SpotCheck.objects.filter(year=2026).count() == 3
    response = client.post(url, {"op": "draw", "year": "2026", "count": "1"}, follow=True)
    assert "没有可抽查的支部" in response.content.decode()
    check = SpotCheck.objects.get(unit_path="1.2.")
    assert check.published_score == D("87.5")
    response = client.post(url, {"op": "record", "year": "2026", "check": check.pk, "score": "八十"}, follow=True)
    assert "抽查得分应为数字" in response.content.decode()
    client.post(url, {"op": "record", "year": "2026", "check": check.pk, "score": "80", "comment": "记录不全"})
    check.refresh_from_db()
    assert (check.check_score, check.comment, check.checked_by) == (D(80), "记录不全", committee_user)


def test_the_console_api_lists_systems_and_publishes_with_its_checks(committee_user) -> None:
    system = build_system(committee_user)
    client = client_for(None, committee_user)
    listed = client.get("/api/standards/systems/").json()
    assert [s["name"] for s in listed] == ["标准化支部建设考评"]
    detail = client.get(f"/api/standards/systems/{system.pk}/").json()
    assert len(detail["nodes"]) == 9 and detail["status"] == "draft"
    services.node_update(node=system.nodes.get(title="签到表"), points=D(5), acting_user=committee_user)
    refused = client.post(f"/api/standards/systems/{system.pk}/publish/")
    assert refused.status_code == 400 and "佐证材料分值之和为 25.0" in refused.content.decode()
    services.node_update(node=system.nodes.get(title="签到表"), points=D(10), acting_user=committee_user)
    assert client.post(f"/api/standards/systems/{system.pk}/publish/").json()["status"] == "published"


@pytest.mark.parametrize("odd", ["²", "--5", "abc", "99999999999999999999", "9223372036854775808"])
def test_ids_and_numbers_that_are_not_ones_are_not_found_rather_than_a_server_error(committee_user, odd) -> None:
    system = build_system(committee_user)
    client = client_for(None, committee_user)
    for op in ("edit", "remove", "move"):
        assert client.post(_url("standards_node", system), {"op": op, "node": odd}).status_code == 404
    item = system.nodes.get(title="三会一课")
    assert (
        client.post(_url("standards_node", system), {"op": "move", "node": item.pk, "parent": odd}).status_code == 404
    )
    spot = _url("standards_spot_checks")
    assert client.get(f"{spot}?year={odd}").status_code == 200  # this year's page instead
    assert client.post(spot, {"op": "record", "check": odd, "score": "80"}).status_code == 404
    response = client.post(spot, {"op": "draw", "year": "2026", "count": odd}, follow=True)
    assert response.status_code == 200 and not SpotCheck.objects.exists()
