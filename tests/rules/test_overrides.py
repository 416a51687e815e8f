from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.accounts.models import User
from services.audit.models import AuditEvent
from services.rule_overrides import audit_events as rule_events
from services.rule_overrides.models import RuleOverride
from services.rule_overrides.services import rule_override_set
from services.rules.resolver import INSTITUTION, STANDARD, rule, rules_in_force
from tenants.models import Institution
from tests.conftest import in_schema, make_user

DAY = date(2026, 1, 1)


def test_an_admin_overrides_a_rule_and_it_is_audited(in_a: Institution, admin: User) -> None:
    override = rule_override_set(
        key="branch.max_members", value=40, effective_from=DAY, reason="本校支部规模较小", acting_user=admin
    )
    assert rule("branch.max_members", on=DAY).value == 40
    event = AuditEvent.objects.get(event=rule_events.RULE_OVERRIDDEN)
    assert event.object_id == str(override.pk) and event.after is not None
    assert event.after["value"] == 40 and event.actor_username == admin.username


def test_a_non_admin_is_refused(in_a: Institution, plain: User) -> None:
    with pytest.raises(PermissionDenied):
        rule_override_set(key="branch.max_members", value=40, effective_from=DAY, reason="x", acting_user=plain)
    assert not RuleOverride.objects.exists()


def test_an_unknown_key_is_refused(in_a: Institution, admin: User) -> None:
    with pytest.raises(ValidationError) as caught:
        rule_override_set(key="no.such.rule", value=1, effective_from=DAY, reason="x", acting_user=admin)
    assert "key" in caught.value.message_dict


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("branch.max_members", "40"),  # a number must stay a number
        ("branch.max_members", True),  # a bool is not a number
        ("branch.max_members", [40]),
        ("dues.student_monthly_yuan", 0.2),  # money is a string
        ("dues.brackets", {"up_to": 3000}),  # a list must stay a list
        ("branch.max_members", None),
    ],
)
def test_a_value_of_another_type_is_refused(in_a: Institution, admin: User, key: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        rule_override_set(key=key, value=value, effective_from=DAY, reason="x", acting_user=admin)
    assert "value" in caught.value.message_dict


def test_a_reason_is_required(in_a: Institution, admin: User) -> None:
    with pytest.raises(ValidationError) as caught:
        rule_override_set(key="branch.max_members", value=40, effective_from=DAY, reason="  ", acting_user=admin)
    assert "reason" in caught.value.message_dict


def test_an_override_in_b_never_reaches_a(inst_a: Institution, inst_b: Institution) -> None:
    admin_b = make_user(inst_b, username="rules_admin_b", is_superuser=True)
    with in_schema(inst_b):
        rule_override_set(
            key="branch.max_members", value=20, effective_from=DAY, reason="B-ONLY-REASON", acting_user=admin_b
        )
        assert rule("branch.max_members").source == INSTITUTION
    with in_schema(inst_a):
        assert rule("branch.max_members").value == 50
        assert rule("branch.max_members").source == STANDARD
        assert all(item.reason != "B-ONLY-REASON" for item in rules_in_force())
