"""An institution's override of a standard rule (docs/domain.md#rule-sets): one audited transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.accounts.models import User
from services.audit.services import audit_record
from services.organization.scope import scope_for
from services.rule_overrides import audit_events
from services.rules.models import StandardRule
from services.rules.resolver import in_institution_schema
from services.rules.specs import UNIT_WORDS, effective_problems, value_problems
from services.rules.values import value_type

from .models import RuleOverride

TYPE_LABELS = {
    "number": gettext_lazy("数字"),
    "string": gettext_lazy("文本"),
    "bool": gettext_lazy("是/否"),
    "list": gettext_lazy("列表"),
    "object": gettext_lazy("对象"),
}


def rule_override_set(
    *,
    key: str,
    value: Any,
    effective_from: date,
    reason: str,
    acting_user: User,
) -> RuleOverride:
    """Override standard rule ``key`` for this institution from ``effective_from`` on. Only the
    institution's administrators may; the key must be a standard rule, the value of the
    standard's type (a number stays a number, a list a list) and within the rule's declared
    range (services/rules/specs.py), the date between the rule's first standard version and a
    year ahead, and a reason is required. An override is never edited: a later one with a new
    date takes over from its date."""
    if not scope_for(acting_user).everything:
        raise PermissionDenied(_("只有学校管理员可以调整规则。"))
    if not in_institution_schema():
        raise ValidationError(_("规则调整只能在学校内进行。"))
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("请填写调整理由。")]
    standard = StandardRule.objects.filter(key=key).order_by("-effective_from").first()
    if standard is None:
        errors["key"] = [_("没有这条规则：%(key)s。") % {"key": key}]
    else:
        try:
            given = value_type(value)
        except ValueError:
            given = ""
        expected = value_type(standard.value)
        if given != expected:
            errors["value"] = [
                _("“%(title)s”的取值应为%(type)s。") % {"title": standard.title, "type": TYPE_LABELS[expected]}
            ]
        else:
            unit = str(StandardRule.Unit(standard.unit).label) if standard.unit in StandardRule.Unit.values else ""
            problems = value_problems(
                key=key, value=value, title=standard.title, unit=unit or UNIT_WORDS.get(standard.unit, standard.unit)
            )
            if problems:
                errors["value"] = problems
        first = StandardRule.objects.filter(key=key).order_by("effective_from").values_list("effective_from", flat=True)
        dates = effective_problems(effective_from=effective_from, earliest=first[0], today=timezone.localdate())
        if dates:
            errors["effective_from"] = dates
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        override = RuleOverride.objects.create(
            key=key, value=value, effective_from=effective_from, reason=reason, created_by=acting_user
        )
        audit_record(
            event=audit_events.RULE_OVERRIDDEN,
            actor=acting_user,
            target=override,
            after={"key": key, "value": value, "effective_from": effective_from.isoformat(), "reason": reason},
            detail={"standard_value": standard.value if standard else None},
        )
    return override
