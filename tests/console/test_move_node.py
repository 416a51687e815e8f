"""The console's move of an institution to another database node, on a deployment that is not
on Citus (the suite's single server): no form, and a request is refused with a clear message
and records nothing. On the cluster: tests/citus/test_console_move.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from console import audit_events as console_events
from console import moves
from services.accounts.models import User
from services.audit.models import AuditEvent
from tenants import citus
from tenants.models import Institution
from tests.conftest import client_for

pytestmark = pytest.mark.skipif(citus.enabled(), reason="the single-server behaviour; on Citus see tests/citus")


def test_the_detail_page_has_no_move_form_off_citus(inst_a: Institution, operator: User) -> None:
    page = client_for(None, operator).get(f"/institutions/{inst_a.code}/")
    assert page.status_code == 200
    assert "数据库节点" not in page.content.decode() and "/move/" not in page.content.decode()
    assert moves.placement(inst_a) is None


def test_a_move_off_citus_is_refused_saying_why(inst_a: Institution, operator: User) -> None:
    with pytest.raises(ValidationError, match="不是 Citus 集群"):
        moves.institution_move_start(
            institution=inst_a, target="127.0.0.1:5432", confirmation=inst_a.code, acting_user=operator
        )
    response = client_for(None, operator).post(
        f"/institutions/{inst_a.code}/move/", {"target": "127.0.0.1:5432", "confirmation": inst_a.code}, follow=True
    )
    assert "本平台的数据库不是 Citus 集群，学校不能迁移到其他节点。" in response.content.decode()
    assert not AuditEvent.objects.filter(event=console_events.INSTITUTION_MOVED.code).exists()


def test_a_move_is_for_operators_only(inst_a: Institution, committee_user: User) -> None:
    response = client_for(None, committee_user).post(
        f"/institutions/{inst_a.code}/move/", {"target": "x:1", "confirmation": inst_a.code}
    )
    assert response.status_code == 403
