"""Publishing to the 党务公开 board and withdrawing from it: managers of the item's unit only (of
the whole tree for the institution's items), one audited transaction each.

Other capabilities publish through ``publish_item`` with a ``source_key`` of their own (a dossier's
publicity, a meeting's minutes, a branch's dues year): publishing the same source again changes the
item on the board instead of adding a second one."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.organization.scope import require_manage

from .audit_events import EVENT_ITEM_PUBLISHED, EVENT_ITEM_REPUBLISHED, EVENT_ITEM_WITHDRAWN
from .checks import checked_fields, checked_reason
from .models import BoardItem
from .selectors import can_withdraw, manages_institution

SOURCE_KEY_MAX = 200


def _require_publisher(*, acting_user: Any, unit: OrgUnit | None) -> None:
    if unit is None:
        if not manages_institution(acting_user=acting_user):
            raise PermissionDenied(_("只有学校党委的管理者可以向全校发布党务公开。"))
        return
    require_manage(acting_user=acting_user, unit=unit, message=_("您无权在“%(unit)s”发布党务公开。"))
    if unit.closed_on is not None:
        raise ValidationError({"unit": [_("“%(unit)s”已撤销，不能发布。") % {"unit": unit.name}]})


def _publisher_name(acting_user: Any) -> str:
    if acting_user is None:
        return _("系统")
    return getattr(acting_user, "display_name", "") or getattr(acting_user, "username", "")


def _state(item: BoardItem) -> dict[str, Any]:
    return {
        "unit": item.unit_id,
        "title": item.title,
        "body_length": len(item.body),
        "link": item.link,
        "published_on": item.published_on.isoformat(),
        "ends_on": item.ends_on.isoformat() if item.ends_on else None,
    }


def publish_item(
    *,
    acting_user: Any,
    kind: str,
    unit: OrgUnit | None,
    title: str,
    body: str = "",
    link: str = "",
    source_key: str = "",
    published_on: date | None = None,
    ends_on: date | None = None,
) -> BoardItem:
    """Publish an item to the members of ``unit`` (None: the whole institution) from
    ``published_on`` (today by default) until ``ends_on`` (the last day on the board; None: until
    withdrawn). With a ``source_key``, the item already published for it (same kind, not withdrawn)
    is changed instead, and nothing is written when nothing changed."""
    published_on = published_on or timezone.localdate()
    title, body, link = checked_fields(
        kind=kind, title=title, body=body, link=link, published_on=published_on, ends_on=ends_on
    )
    source_key = source_key.strip()[:SOURCE_KEY_MAX]
    _require_publisher(acting_user=acting_user, unit=unit)
    fields = {"title": title, "body": body, "link": link, "published_on": published_on, "ends_on": ends_on}
    try:
        with transaction.atomic():
            existing = _existing(kind=kind, source_key=source_key)
            if existing is not None:
                return _republish(acting_user=acting_user, item=existing, unit=unit, fields=fields)
            item = BoardItem.objects.create(
                kind=kind,
                unit=unit,
                source_key=source_key,
                published_by=acting_user if getattr(acting_user, "pk", None) else None,
                publisher_name=_publisher_name(acting_user),
                **fields,
            )
            audit_record(
                event=EVENT_ITEM_PUBLISHED,
                actor=acting_user,
                target=item,
                after={"kind": kind, "source_key": source_key, **_state(item)},
            )
            return item
    except IntegrityError:
        # Another request published the same source at this moment: it holds the item now.
        raise ValidationError(_("同一内容正在由他人发布，请刷新后再试。")) from None


def _existing(*, kind: str, source_key: str) -> BoardItem | None:
    if not source_key:
        return None
    return (
        BoardItem.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(kind=kind, source_key=source_key, withdrawn_at__isnull=True)
        .first()
    )


def _republish(*, acting_user: Any, item: BoardItem, unit: OrgUnit | None, fields: dict[str, Any]) -> BoardItem:
    if not can_withdraw(acting_user=acting_user, item=item):
        raise PermissionDenied(_("这项内容已由其他组织公开，您无权更改。"))
    before = _state(item)
    item.unit = unit
    for name, value in fields.items():
        setattr(item, name, value)
    if all(before[key] == value for key, value in _state(item).items()):
        return item
    item.save()
    audit_record(event=EVENT_ITEM_REPUBLISHED, actor=acting_user, target=item, before=before, after=_state(item))
    return item


def withdraw_item(*, acting_user: Any, item: BoardItem, reason: str) -> BoardItem:
    """Take an item off the board (it stays in the archive with the reason). Once."""
    if not can_withdraw(acting_user=acting_user, item=item):
        raise PermissionDenied(_("只有发布范围内的管理者可以撤回这项党务公开。"))
    reason = checked_reason(reason)
    with transaction.atomic():
        locked = BoardItem.objects.select_for_update().get(pk=item.pk)
        if locked.withdrawn:
            raise ValidationError(_("这项党务公开已经撤回。"))
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = acting_user if getattr(acting_user, "pk", None) else None
        locked.withdraw_reason = reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason", "updated_at"])
        audit_record(
            event=EVENT_ITEM_WITHDRAWN,
            actor=acting_user,
            target=locked,
            after={"reason": reason},
            detail={"kind": locked.kind, "unit": locked.unit_id, "title": locked.title},
        )
    return locked
