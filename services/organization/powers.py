"""权限一览: everyone who holds power in the institution — administrative grants in force or still
to start, and party positions held now — the first list an auditor asks for. Read by the
institution's administrators only (``grants.can_grant``); two queries whatever the size (grants,
then positions, each with its account, unit and granter joined); the export is audited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from services.audit.services import audit_record

from . import audit_events
from .grants import can_grant, grants_shown_q
from .models import AdminGrant, OrgUnit, Position
from .scope import current_positions_q

EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class PowerHolder:
    """One line of the list: a grant (``source`` "grant") or a position ("position")."""

    source: str
    role: str
    role_label: str
    name: str
    username: str
    unit_id: int
    unit_name: str
    unit_path: str
    starts_on: date
    ends_on: date | None
    granted_by: str


def role_choices() -> list[tuple[str, str]]:
    """Every role the list filters by: the grants' roles, then the positions."""
    return [(str(value), str(label)) for value, label in [*AdminGrant.Role.choices, *Position.Kind.choices]]


def _require_admin(acting_user: Any) -> None:
    if not can_grant(acting_user=acting_user):
        raise PermissionDenied(_("只有学校管理员可以查看权限一览。"))


def _grant_lines(*, on: date, unit: OrgUnit | None, role: str) -> Iterator[PowerHolder]:
    if role and role not in AdminGrant.Role.values:
        return
    grants = AdminGrant.objects.filter(grants_shown_q(on=on)).select_related("user", "unit", "granted_by")
    if unit is not None:
        grants = grants.filter(unit__path__startswith=unit.path)
    if role:
        grants = grants.filter(role=role)
    for grant in grants.order_by("unit__path", "role", "starts_on", "pk"):
        yield PowerHolder(
            source="grant",
            role=grant.role,
            role_label=str(grant.get_role_display()),
            name=grant.user.display_name or grant.user.username,
            username=grant.user.username,
            unit_id=grant.unit_id,
            unit_name=grant.unit.name,
            unit_path=grant.unit.path,
            starts_on=grant.starts_on,
            ends_on=grant.ends_on,
            granted_by=grant.granted_by.username if grant.granted_by else "",
        )


def _position_lines(*, on: date, unit: OrgUnit | None, role: str) -> Iterator[PowerHolder]:
    if role and role not in Position.Kind.values:
        return
    positions = Position.objects.filter(current_positions_q(on=on)).select_related("member__user", "unit")
    if unit is not None:
        positions = positions.filter(unit__path__startswith=unit.path)
    if role:
        positions = positions.filter(kind=role)
    for position in positions.order_by("unit__path", "kind", "started_on", "pk"):
        account = position.member.user
        yield PowerHolder(
            source="position",
            role=position.kind,
            role_label=str(position.get_kind_display()),
            name=position.member.name,
            username=account.username if account is not None else "",
            unit_id=position.unit_id,
            unit_name=position.unit.name,
            unit_path=position.unit.path,
            starts_on=position.started_on,
            ends_on=position.ended_on,
            granted_by="",
        )


def power_holders(
    *, acting_user: Any, unit: OrgUnit | None = None, role: str = "", on: date | None = None
) -> list[PowerHolder]:
    """Grants and positions in ``unit``'s subtree (None: everywhere), of ``role`` (empty: any),
    in force on ``on`` (today) or, for a grant, still to start; by unit, then role."""
    _require_admin(acting_user)
    if role and role not in dict(role_choices()):
        raise ValidationError({"role": [_("未知的角色。")]})
    today = on or timezone.localdate()
    lines = [*_grant_lines(on=today, unit=unit, role=role), *_position_lines(on=today, unit=unit, role=role)]
    return sorted(lines, key=lambda line: (line.unit_path, line.source, line.role, line.starts_on))


def _headers() -> list[str]:
    return [_("姓名"), _("账号"), _("角色"), _("组织"), _("生效日期"), _("截止日期"), _("授权人")]


def _row(line: PowerHolder) -> list[str]:
    ends = line.ends_on.isoformat() if line.ends_on else ""
    return [
        line.name,
        line.username,
        line.role_label,
        line.unit_name,
        line.starts_on.isoformat(),
        ends,
        line.granted_by,
    ]


def power_holders_export(
    *, acting_user: Any, out: IO[bytes], fmt: str, unit: OrgUnit | None = None, role: str = ""
) -> int:
    """Write the list as CSV (UTF-8 with a byte-order mark, for Excel) or xlsx into ``out``;
    audited (who exported which part). Returns the number of lines."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationError({"format": [_("不支持的导出格式。")]})
    with transaction.atomic():
        lines = power_holders(acting_user=acting_user, unit=unit, role=role)
        rows = [_headers(), *(_row(line) for line in lines)]
        if fmt == "csv":
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            out.write(("\ufeff" + text.getvalue()).encode("utf-8"))
        else:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(title=_("权限一览"))
            for row in rows:
                sheet.append(row)
            workbook.save(out)
        audit_record(
            event=audit_events.POWERS_EXPORTED,
            actor=acting_user,
            detail={"format": fmt, "unit": unit.pk if unit else None, "role": role, "count": len(lines)},
        )
    return len(lines)
