"""Every write to member records: one audited transaction each, with a history row that says
who changed what, when and why.

Member status is a state machine (docs/domain.md#member-record): each transition is ``member_status_change`` with
a date and a reason; arrears never change status by themselves.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.crypto import blind_index
from services.members import audit_events
from services.organization.models import OrgUnit
from services.organization.scope import Scope, can_manage, scope_for
from services.search.outbox import index_later

from . import national_id
from .accounts import member_accounts_close
from .models import FamilyMember, Hardship, Member, MemberChange, RewardPunishment, TimeAbroad
from .record import EDITABLE, SENSITIVE, mask
from .validation import (
    DATE_FIELDS,
    check_identity,
    clean_access_reason,
    clean_national_id,
    clean_phone,
    national_id_taken_message,
    new_date_errors,
    record_date_errors,
    status_date_errors,
)

S = Member.Status
# Allowed transitions. Terminal: stopped, deceased, transferred_out (a member who comes back
# arrives through a transfer in, as a new record of this institution).
TRANSITIONS: dict[str, set[str]] = {
    S.PROBATIONARY: {S.NORMAL, S.STOPPED, S.DECEASED, S.TRANSFERRED_OUT, S.MOBILE, S.ABROAD, S.LOST_CONTACT},
    S.NORMAL: {S.MOBILE, S.ABROAD, S.RETAINED, S.LOST_CONTACT, S.TRANSFERRED_OUT, S.STOPPED, S.DECEASED},
    S.MOBILE: {S.NORMAL, S.TRANSFERRED_OUT, S.LOST_CONTACT, S.DECEASED},
    S.ABROAD: {S.NORMAL, S.TRANSFERRED_OUT, S.LOST_CONTACT, S.STOPPED, S.DECEASED},
    S.RETAINED: {S.NORMAL, S.TRANSFERRED_OUT, S.LOST_CONTACT, S.DECEASED},
    S.LOST_CONTACT: {S.NORMAL, S.STOPPED, S.DECEASED},
    S.TRANSFERRED_OUT: set(),
    S.STOPPED: set(),
    S.DECEASED: set(),
}


def change_display(field: str, value: Any) -> Any:
    """How a value appears in the history: sensitive fields masked, units by name."""
    if value is None:
        return None
    if field in SENSITIVE:
        return mask(field, str(value))
    if isinstance(value, OrgUnit):
        return value.name
    return str(value)


def can_manage_members(*, acting_user: Any, branch: OrgUnit, scope: Scope | None = None) -> bool:
    """Whether ``acting_user`` may change the records of ``branch``'s members: they manage it
    (None is the system). Every member service checks it; views and the API ask it first."""
    return can_manage(acting_user=acting_user, unit=branch, scope=scope)


def _require_manage(*, acting_user: Any, branch: OrgUnit) -> None:
    if not can_manage_members(acting_user=acting_user, branch=branch):
        raise PermissionDenied(_("您无权管理“%(unit)s”的党员。") % {"unit": branch.name})


def _history(*, member: Member, kind: str, changes: dict[str, list[Any]], acting_user: Any, reason: str = "") -> None:
    MemberChange.objects.create(
        member=member,
        kind=kind,
        reason=reason,
        changes=changes,
        actor_id=getattr(acting_user, "pk", None),
        actor_username=getattr(acting_user, "username", ""),
    )


def _national_id_taken(*, acting_user: Any, holder: Member) -> str:
    """The refusal of a second record for one ID number: the holder's unit is named only to a
    user who can see it (validation.national_id_taken_message)."""
    scope = scope_for(acting_user) if acting_user is not None else None
    seen = scope is None or scope.covers_unit(holder.branch)
    managed = scope is None or scope.covers_unit(holder.branch, manage=True)
    return national_id_taken_message(holder_unit=holder.branch.name if seen else None, managed=managed)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    if "national_id" in cleaned:
        try:
            cleaned["national_id"] = clean_national_id(str(cleaned["national_id"]))
        except ValidationError as exc:
            errors["national_id"] = exc.messages
    if "phone" in cleaned:
        try:
            cleaned["phone"] = clean_phone(str(cleaned["phone"] or ""))
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if "national_id" in cleaned and "national_id" not in errors:
        mismatches = check_identity(
            number=cleaned["national_id"], birth_date=cleaned.get("birth_date"), gender=cleaned.get("gender")
        )
        if mismatches:
            errors["national_id"] = mismatches
    if errors:
        raise ValidationError(errors)
    return cleaned


def member_create(*, acting_user: Any, **fields: Any) -> Member:
    """Create a record. The birth date and gender default to what the ID number says."""
    data = _clean({key: value for key, value in fields.items() if key in EDITABLE})
    number = data["national_id"]
    data.setdefault("birth_date", national_id.birth_date(number))
    data.setdefault("gender", national_id.gender(number))
    dates = record_date_errors({**data, "status": S.NORMAL})
    if dates:
        raise ValidationError(dates)
    _require_manage(acting_user=acting_user, branch=data["branch"])
    with transaction.atomic():
        holder = Member.objects.filter(national_id_index=blind_index(number)).select_related("branch").first()
        if holder is not None:
            raise ValidationError({"national_id": [_national_id_taken(acting_user=acting_user, holder=holder)]})
        member = Member(**data, national_id_index=blind_index(number))
        member.full_clean(exclude=["national_id_index", "user"])
        member.save()
        _history(
            member=member,
            kind="created",
            acting_user=acting_user,
            changes={f: [None, change_display(f, getattr(member, f))] for f in EDITABLE},
        )
        audit_record(event=audit_events.MEMBER_CREATED, actor=acting_user, target=member)
        index_later(kind="member", object_id=member.pk)
    return member


def member_update(*, member: Member, acting_user: Any, reason: str = "", **fields: Any) -> Member:
    """Change fields of a record; the history keeps each field before -> after (masked). A new
    birth date or gender is checked against the stored ID number, and the record's dates after
    the change against validation.record_date_errors (only what the change makes worse)."""
    given = {key: value for key, value in fields.items() if key in EDITABLE}
    if "national_id" not in given and ("birth_date" in given or "gender" in given):
        given["national_id"] = member.national_id
    data = _clean(given)
    _require_manage(acting_user=acting_user, branch=member.branch)
    if "branch" in data:
        _require_manage(acting_user=acting_user, branch=data["branch"])
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        before_dates = {name: getattr(locked, name) for name in (*DATE_FIELDS, "status")}
        changes = {}
        for field, value in data.items():
            before = getattr(locked, field)
            if before != value:
                changes[field] = [change_display(field, before), change_display(field, value)]
                setattr(locked, field, value)
        if not changes:
            return locked
        dates = new_date_errors(before_dates, {name: getattr(locked, name) for name in before_dates})
        if dates:
            raise ValidationError(dates)
        if "national_id" in changes:
            locked.national_id_index = blind_index(locked.national_id)
            others = Member.objects.filter(national_id_index=locked.national_id_index).exclude(pk=locked.pk)
            holder = others.select_related("branch").first()
            if holder is not None:
                raise ValidationError({"national_id": [_national_id_taken(acting_user=acting_user, holder=holder)]})
        locked.full_clean(exclude=["national_id_index", "user"])
        locked.save()
        _history(member=locked, kind="updated", acting_user=acting_user, changes=changes, reason=reason)
        index_later(kind="member", object_id=locked.pk)
        audit_record(
            event=audit_events.MEMBER_UPDATED,
            actor=acting_user,
            target=locked,
            before={k: v[0] for k, v in changes.items()},
            after={k: v[1] for k, v in changes.items()},
        )
    return locked


def member_status_change(
    *,
    member: Member,
    to_status: str,
    on_date: date,
    reason: str,
    acting_user: Any,
) -> Member:
    """Move a member along the status state machine, with the date it took effect and why. The
    date is between joining and today (validation.status_date_errors)."""
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写变更原因。")]})
    _require_manage(acting_user=acting_user, branch=member.branch)
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        on_date_errors = status_date_errors(on_date=on_date, joined_on=locked.joined_on)
        if on_date_errors:
            raise ValidationError({"on_date": on_date_errors})
        if to_status not in TRANSITIONS[locked.status]:
            raise ValidationError(
                {
                    "status": [
                        _("不能从“%(a)s”变更为“%(b)s”。")
                        % {"a": locked.get_status_display(), "b": Member.Status(to_status).label}
                    ]
                }
            )
        before = locked.status
        locked.status = to_status
        if before == S.PROBATIONARY and to_status == S.NORMAL and not locked.confirmed_on:
            locked.confirmed_on = on_date
        locked.save(update_fields=["status", "confirmed_on", "updated_at"])
        _history(
            member=locked,
            kind="status",
            acting_user=acting_user,
            reason=reason,
            changes={"status": [before, to_status], "effective_on": [None, on_date.isoformat()]},
        )
        index_later(kind="member", object_id=locked.pk)
        member_accounts_close(member_ids=[locked.pk], reason=to_status, acting_user=acting_user)  # off the roll
        audit_record(
            event=audit_events.MEMBER_STATUS_CHANGED,
            actor=acting_user,
            target=locked,
            before={"status": before},
            after={"status": to_status, "on": on_date.isoformat()},
            detail={"reason": reason},
        )
    return locked


def member_reveal(*, member: Member, field: str, reason: str, acting_user: Any) -> str:
    """Show a sensitive field in clear. Audited with the reason (validation.clean_access_reason);
    only for those who manage the member."""
    if field not in SENSITIVE:
        raise ValidationError({"field": [_("该字段无需查看明文。")]})
    _require_manage(acting_user=acting_user, branch=member.branch)
    try:
        reason = clean_access_reason(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    audit_record(
        event=audit_events.SENSITIVE_REVEALED,
        actor=acting_user,
        target=member,
        detail={"field": field, "reason": reason},
    )
    return str(getattr(member, field))


ROW_SETS: dict[str, type[models.Model]] = {
    "rewards": RewardPunishment,
    "time_abroad": TimeAbroad,
    "hardships": Hardship,
    "family": FamilyMember,
}


def member_rows_replace(
    *,
    member: Member,
    kind: str,
    rows: list[dict[str, Any]],
    acting_user: Any,
    reason: str = "",
) -> list[models.Model]:
    """Replace one multi-row set of the record (rewards and punishments, time abroad, hardship,
    family) with ``rows``: all validated first, then swapped in one transaction, with history."""
    model = ROW_SETS.get(kind)
    if model is None:
        raise ValidationError({"kind": [_("未知的档案子集。")]})
    _require_manage(acting_user=acting_user, branch=member.branch)
    instances = [model(member=member, **row) for row in rows]
    errors: dict[str, list[str]] = {}
    for index, instance in enumerate(instances, start=1):
        try:
            instance.full_clean(exclude=["member"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"{index}.{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        manager = getattr(member, kind)  # each set's related_name is its kind
        before = len(manager.all())
        manager.all().delete()
        created = model._default_manager.bulk_create(instances)
        _history(
            member=member,
            kind=f"rows:{kind}",
            acting_user=acting_user,
            reason=reason,
            changes={kind: [before, len(created)]},
        )
        audit_record(
            event=audit_events.MEMBER_UPDATED,
            actor=acting_user,
            target=member,
            detail={"rows": kind, "count": len(created)},
        )
    return list(created)
