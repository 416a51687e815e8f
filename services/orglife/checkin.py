"""Check-in: a member checks themselves in with the meeting's rotating code (checkin_codes.py),
checks out, and the host marks someone present by hand.

A self check-in is one conditional UPDATE of the person's row (``… WHERE checked_in_at IS NULL``):
a double tap, or a whole lecture hall at once, cannot check anyone in twice or lose a check-in,
and the row itself is the record (no audit row per check-in; hand marks are audited). A person
not on the list is refused, or recorded as a guest (名单外到会) when the meeting allows guests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.audit.services import audit_record
from services.development.models import Dossier
from services.members.models import Member
from services.organization.scope import can_manage

from . import checkin_codes
from .audit_events import EVENT_ATTENDANCE_MARKED, EVENT_ATTENDANCE_UNMARKED
from .minutes import require_attendance_open
from .models import Attendee, Meeting

NOT_HOST = gettext_lazy("只有会议主持人和“%(unit)s”的管理人员可以管理签到。")
EXPIRED = gettext_lazy("签到码已过期，请扫描屏幕上的最新二维码。")
NOT_LISTED = gettext_lazy("您不在本次会议的应到名单上，不能签到。如有疑问请联系会议主持人。")


@dataclass(frozen=True)
class CheckinResult:
    """What a check-in did: ``already`` when the person had checked in before (nothing changed)."""

    attendee: Attendee
    already: bool

    @property
    def message(self) -> str:
        at = _clock(self.attendee.checked_in_at)
        if self.already:
            return _("已签到（%(time)s），无需重复签到。") % {"time": at}
        if self.attendee.role == Attendee.Role.GUEST:
            return _("签到成功（%(time)s），您不在本次会议的应到名单上，已记为名单外到会。") % {"time": at}
        if self.attendee.late:
            return _("签到成功（%(time)s），已记为迟到。") % {"time": at}
        return _("签到成功（%(time)s）。") % {"time": at}


def _clock(at: datetime | None) -> str:
    return date_format(timezone.localtime(at), "H:i") if at else ""


def checkin_window(meeting: Meeting) -> tuple[datetime, datetime]:
    """When check-in opens and closes."""
    return (
        meeting.starts_at - timedelta(minutes=meeting.checkin_opens_minutes),
        meeting.ends_at + timedelta(minutes=meeting.checkin_closes_minutes),
    )


def checkin_open(meeting: Meeting, now: datetime) -> bool:
    opens, closes = checkin_window(meeting)
    return meeting.status == Meeting.Status.PLANNED and opens <= now <= closes


def can_run_checkin(*, acting_user: Any, meeting: Meeting) -> bool:
    """The meeting's host, and whoever manages its unit, run its check-in (screen, hand marks)."""
    if meeting.host_id is not None and Member.objects.filter(pk=meeting.host_id, user_id=acting_user.pk).exists():
        return True
    return can_manage(acting_user=acting_user, unit=meeting.unit)


def _require_host(acting_user: Any, meeting: Meeting) -> None:
    if not can_run_checkin(acting_user=acting_user, meeting=meeting):
        raise PermissionDenied(NOT_HOST % {"unit": meeting.unit.name})


def require_checkin_open(meeting: Meeting, now: datetime) -> None:
    """Refuse (ValidationError) a check-in outside the meeting's window or of a cancelled meeting."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("会议“%(topic)s”已取消，无需签到。") % {"topic": meeting.topic})
    opens, closes = checkin_window(meeting)
    if now < opens:
        when = date_format(timezone.localtime(opens), "n月j日 H:i")
        raise ValidationError(_("签到尚未开始，将于 %(time)s 开放。") % {"time": when})
    if now > closes:
        raise ValidationError(_("签到已结束，如确实参会请联系会议主持人补记。"))
    require_attendance_open(meeting)  # finalized minutes freeze the attendance (a trigger too)


def _require_code(meeting: Meeting, value: str, at: datetime, user: Any) -> None:
    found = checkin_codes.check(meeting.checkin_secret, meeting.pk, value, at)
    if found == checkin_codes.Check.EXPIRED:
        raise ValidationError(str(EXPIRED))
    if found == checkin_codes.Check.WRONG:
        other = _meeting_of_code(value, at, user, but=meeting)
        if other is not None:
            raise ValidationError(
                _("这是会议“%(topic)s”的签到码，不是本场会议的，请选择正确的会议。") % {"topic": other.topic}
            )
        raise ValidationError(_("签到码不是本场会议的，请核对屏幕上的签到码后重试。"))


def _meeting_of_code(value: str, at: datetime, user: Any, *, but: Meeting) -> Meeting | None:
    """Another meeting of ``user``'s, open now, whose current code ``value`` is (a typed code
    entered for the wrong meeting)."""
    for meeting in open_meetings_of(user=user, now=at):
        if meeting.pk != but.pk and checkin_codes.check(meeting.checkin_secret, meeting.pk, value, at) == (
            checkin_codes.Check.VALID
        ):
            return meeting
    return None


def open_meetings_of(*, user: Any, now: datetime) -> list[Meeting]:
    """The meetings ``user`` is on the list of whose check-in is open at ``now``, soonest first."""
    near = Meeting.objects.filter(
        status=Meeting.Status.PLANNED,
        starts_at__lte=now + timedelta(days=1),
        ends_at__gte=now - timedelta(days=1),
        pk__in=Attendee.objects.filter(_person_q(user)).values("meeting_id"),
    ).order_by("starts_at", "pk")
    return [meeting for meeting in near if checkin_open(meeting, now)]


def _person_q(user: Any) -> Q:
    return Q(member__user=user) | Q(dossier__user=user)


def mine(meeting: Meeting, user: Any) -> Attendee | None:
    return Attendee.objects.filter(_person_q(user), meeting=meeting).order_by("pk").first()


def checkin_record(
    *,
    acting_user: Any,
    meeting: Meeting,
    token: str = "",
    code: str = "",
    now: datetime | None = None,
    scanned_at: datetime | None = None,
) -> CheckinResult:
    """Check ``acting_user`` in to ``meeting`` with the URL ``token`` of its QR code or its 6-digit
    ``code``. ``scanned_at``: when this browser showed the same token valid before sending its user
    to sign in (the view keeps it in the session); accepted up to ORGLIFE_CHECKIN_SIGNIN_SECONDS.
    Idempotent: a second check-in changes nothing and says when the first one was."""
    now = now or timezone.now()
    checkin_check(acting_user=acting_user, meeting=meeting, token=token, code=code, now=now, scanned_at=scanned_at)
    method = Attendee.Method.QR if token else Attendee.Method.CODE
    late = now > meeting.starts_at + timedelta(minutes=settings.ORGLIFE_CHECKIN_LATE_GRACE_MINUTES)
    rows = Attendee.objects.filter(_person_q(acting_user), meeting=meeting)
    changed = Attendee.objects.filter(
        pk__in=rows.filter(checked_in_at__isnull=True).values("pk")[:1],
        checked_in_at__isnull=True,
    ).update(checked_in_at=now, checkin_method=method, late=late)
    attendee = mine(meeting, acting_user)
    if attendee is not None:
        return CheckinResult(attendee=attendee, already=not changed)
    return _checkin_guest(acting_user=acting_user, meeting=meeting, now=now, method=method, late=late)


def checkin_check(
    *,
    acting_user: Any,
    meeting: Meeting,
    token: str = "",
    code: str = "",
    now: datetime,
    scanned_at: datetime | None = None,
) -> None:
    """Refuse (ValidationError) what ``checkin_record`` refuses before writing: a cancelled
    meeting, outside the window, a code that is expired or not this meeting's."""
    require_checkin_open(meeting, now)
    at = now
    if scanned_at is not None and timedelta(0) <= now - scanned_at <= _signin_grace():
        at = scanned_at
    _require_code(meeting, token or code, at, acting_user)


def _signin_grace() -> timedelta:
    return timedelta(seconds=settings.ORGLIFE_CHECKIN_SIGNIN_SECONDS)


def _checkin_guest(*, acting_user: Any, meeting: Meeting, now: datetime, method: str, late: bool) -> CheckinResult:
    if not meeting.allow_guests:
        raise ValidationError(str(NOT_LISTED))
    member = Member.objects.filter(user=acting_user).first()
    dossier = None if member else Dossier.objects.filter(user=acting_user).order_by("pk").first()
    person = member or dossier
    if person is None:
        raise ValidationError(_("您的账号没有关联党员或发展对象档案，不能以名单外人员签到。"))
    try:
        with transaction.atomic():
            attendee = Attendee.objects.create(
                meeting=meeting,
                member=member,
                dossier=dossier,
                name=person.name,
                role=Attendee.Role.GUEST,
                expected=False,
                checked_in_at=now,
                checkin_method=method,
                late=late,
            )
    except IntegrityError:  # the same person's other tap won the race
        found = mine(meeting, acting_user)
        assert found is not None
        return CheckinResult(attendee=found, already=True)
    return CheckinResult(attendee=attendee, already=False)


def checkout_record(*, acting_user: Any, meeting: Meeting, now: datetime | None = None) -> Attendee:
    """Check ``acting_user`` out (签退) while check-in is open; once."""
    now = now or timezone.now()
    require_checkin_open(meeting, now)
    attendee = mine(meeting, acting_user)
    if attendee is None or attendee.checked_in_at is None:
        raise ValidationError(_("您尚未签到，不能签退。"))
    changed = Attendee.objects.filter(pk=attendee.pk, checked_out_at__isnull=True).update(checked_out_at=now)
    if not changed:
        raise ValidationError(_("您已于 %(time)s 签退。") % {"time": _clock(attendee.checked_out_at)})
    attendee.refresh_from_db()
    return attendee


def attendance_mark(*, acting_user: Any, attendee: Attendee, reason: str, now: datetime | None = None) -> Attendee:
    """The host marks ``attendee`` present by hand (主持人补记), with a reason; audited."""
    now = now or timezone.now()
    meeting = attendee.meeting
    _require_host(acting_user, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("会议“%(topic)s”已取消，不能补记签到。") % {"topic": meeting.topic})
    require_attendance_open(meeting)
    if now < checkin_window(meeting)[0]:
        raise ValidationError(_("签到尚未开始，不能补记。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写补记原因。")})
    with transaction.atomic():
        changed = Attendee.objects.filter(pk=attendee.pk, checked_in_at__isnull=True).update(
            checked_in_at=now,
            checkin_method=Attendee.Method.MANUAL,
            late=False,
            marked_by=acting_user,
            mark_reason=reason.strip()[:200],
        )
        if not changed:
            raise ValidationError(_("“%(name)s”已签到，无需补记。") % {"name": attendee.name})
        audit_record(
            event=EVENT_ATTENDANCE_MARKED,
            actor=acting_user,
            target=meeting,
            after={"attendee": attendee.pk, "name": attendee.name, "reason": reason.strip()[:200]},
        )
    attendee.refresh_from_db()
    return attendee


def attendance_unmark(*, acting_user: Any, attendee: Attendee) -> Attendee:
    """Undo a hand mark (a self check-in stays: it is the person's own record); audited."""
    meeting = attendee.meeting
    _require_host(acting_user, meeting)
    require_attendance_open(meeting)
    with transaction.atomic():
        changed = Attendee.objects.filter(pk=attendee.pk, checkin_method=Attendee.Method.MANUAL).update(
            checked_in_at=None, checkin_method="", late=False, checked_out_at=None, marked_by=None, mark_reason=""
        )
        if not changed:
            raise ValidationError(_("只能撤销主持人补记的签到，本人签到不能撤销。"))
        audit_record(
            event=EVENT_ATTENDANCE_UNMARKED,
            actor=acting_user,
            target=meeting,
            before={"attendee": attendee.pk, "name": attendee.name, "reason": attendee.mark_reason},
        )
    attendee.refresh_from_db()
    return attendee
