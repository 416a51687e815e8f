"""Reads of reminders. A user only ever reads their own: the scan already decided who receives
what (the member concerned and the managers of their branch, services/reminders/recipients.py),
so the inbox narrows by recipient, not by scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Reminder, ReminderPreference

OPEN = "open"
RESOLVED = "resolved"
ALL = "all"

# Labels of the kinds the scan produces, for the inbox filter (the registry carries no label);
# a kind not named here shows its key.
KIND_LABELS = {
    "members.probation_ending": _("预备期届满"),
    "organization.term_ending": _("委员会换届"),
    "members.abroad_contact": _("出国（境）党员联系"),
    "members.retained_limit": _("毕业生保留组织关系期满"),
    "development.talk": _("入党申请人谈话"),
    "development.assessment": _("积极分子考察"),
    "development.approval": _("上级党委审批"),
    "development.probation_end": _("预备党员转正"),
    "transfers.not_received": _("组织关系转接未接收"),
    "orglife.leave_waiting": _("请假待审批"),
    "orglife.absent_three": _("连续缺席组织生活"),
    "orglife.minutes_pending": _("会议纪要未定稿"),
    "orglife.compliance": _("三会一课应开未开"),
    "orglife.tomorrow": _("明天的会议"),
    "dues.arrears_member": _("党费未交纳"),
    "dues.arrears_branch": _("党员连续欠缴党费"),
    "dues.arrears_case": _("欠缴党费待处理"),
    "dues.disclosure_due": _("党费收缴使用情况未公开"),
    "surveys.open": _("待参加的意见征集"),
    "surveys.closing": _("意见征集即将截止"),
    "thought_reports.due": _("思想汇报待提交"),
    "thought_reports.overdue": _("思想汇报逾期未交"),
    "exams.opening": _("考试即将开始"),
    "exams.closing": _("考试即将截止"),
    "study.behind": _("学习进度提示"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def reminder_list(*, user: Any, kind: str = "", state: str = OPEN, today: date | None = None) -> QuerySet[Reminder]:
    """The user's reminders: open ones by default (``state`` "resolved" or "all" for the rest),
    overdue first, then by due date; ``overdue`` is annotated against ``today``."""
    day = today or timezone.localdate()
    rows = Reminder.objects.filter(recipient_id=getattr(user, "pk", None))
    if state == OPEN:
        rows = rows.filter(resolved_at__isnull=True)
    elif state == RESOLVED:
        rows = rows.filter(resolved_at__isnull=False)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(
        overdue=Case(When(due_on__lt=day, then=Value(True)), default=Value(False), output_field=BooleanField())
    ).order_by("-overdue", "due_on", "id")


def reminder_get(*, user: Any, pk: int) -> Reminder:
    """One of the user's own reminders; Reminder.DoesNotExist otherwise (a 404)."""
    return Reminder.objects.get(pk=pk, recipient_id=getattr(user, "pk", None))


def reminder_kinds(*, user: Any) -> list[tuple[str, str]]:
    """The kinds among the user's open reminders, with their labels, for the filter."""
    kinds = (
        Reminder.objects.filter(recipient_id=getattr(user, "pk", None), resolved_at__isnull=True)
        .values_list("kind", flat=True)
        .distinct()
        .order_by("kind")
    )
    return [(kind, kind_label(kind)) for kind in kinds]


def unread_count(*, user: Any) -> int:
    """The number shown next to 提醒 in the navigation: open and unread (one indexed count)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Reminder.objects.filter(recipient_id=user.pk, resolved_at__isnull=True, read_at__isnull=True).count()


def reminder_preference(*, user: Any) -> str:
    """The user's e-mail preference (daily when never chosen)."""
    chosen = ReminderPreference.objects.filter(user_id=user.pk).values_list("email", flat=True).first()
    return chosen or ReminderPreference.DEFAULT
