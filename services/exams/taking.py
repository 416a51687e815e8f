"""Taking an exam (docs/exams.md "Taking"): start, save an answer, submit; the server's clock.

The paths 300 people hit at once are kept to a few statements: starting reads the person's
attempt with its exam, the visibility checks folded in (one query: an attempt drawn for this
member of an exam they may see), and marks it started (one update, one audit row); saving an
answer is one guarded upsert once this process knows the attempt's paper (``_known``), else a
read of the started attempt and the upsert. The paper is in the attempt row, so a forged
question id is refused without a query.
The deadline is fixed at start — the time limit, never past the exam's close — so an interrupted
attempt resumes with the time that remained; the database refuses an answer after it too
(migration 0002).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.models import Member
from services.members.selectors import member_of
from tenants.db import connection

from .audit_events import EVENT_ATTEMPT_STARTED, EVENT_ATTEMPT_SUBMITTED
from .marking import auto_mark
from .models import Answer, Attempt, Exam, Question
from .papers import AUDIENCE_STATUSES, paper_for, papers_draw
from .results import VISIBLE_STATUSES

GRACE = timedelta(seconds=2)  # an answer sent in the last moment still in flight
MAX_TEXT = 2000
Kind = Question.Kind


def latest_attempt(*, acting_user: Any, exam_id: int) -> Attempt | None:
    """The caller's latest attempt at the exam, with the exam (one query)."""
    return (
        Attempt.objects.select_related("exam")
        .filter(exam_id=exam_id, member__user_id=acting_user.pk)
        .order_by("-number")
        .first()
    )


def visible_attempt(*, acting_user: Any, exam_id: int) -> Attempt | None:
    """``latest_attempt`` of an exam the caller may see now (``results.my_exam``'s checks: the
    exam published, the member in its unit's subtree and of an audience status), in the same one
    query; None when there is none, or the exam is not theirs."""
    return (
        Attempt.objects.select_related("exam")
        .filter(
            exam_id=exam_id,
            member__user_id=acting_user.pk,
            member__status__in=AUDIENCE_STATUSES,
            member__branch__path__startswith=F("exam__unit__path"),
            exam__status__in=VISIBLE_STATUSES,
        )
        .order_by("-number")
        .first()
    )


def _window_problem(exam: Exam, now: Any) -> str:
    if exam.status == Exam.Status.DRAFT or now < exam.opens_at:
        return _("考试尚未开始。")
    if now >= exam.closes_at or exam.status == Exam.Status.CLOSED:
        return _("考试已结束，不能再答题。")
    return ""


def _first_attempt(*, acting_user: Any, exam_id: int) -> Attempt:
    """A paper for someone who has none: the exam's papers are not drawn yet (the sweeper is
    late), or the person joined the audience after they were."""
    exam = Exam.objects.select_related("unit").filter(pk=exam_id).first()
    member = member_of(acting_user)
    if (
        exam is None
        or member is None
        or not member.branch.path.startswith(exam.unit.path)
        or member.status not in AUDIENCE_STATUSES
    ):
        raise PermissionDenied(_("您不在这场考试的范围内。"))
    problem = _window_problem(exam, timezone.now())
    if problem:
        raise ValidationError(problem)
    if exam.status == Exam.Status.PUBLISHED:
        papers_draw(exam=exam)
    found = latest_attempt(acting_user=acting_user, exam_id=exam_id)
    return found or paper_for(exam=exam, member=member, number=1)


def attempt_start(*, acting_user: Any, exam_id: int) -> Attempt:
    """Start (or resume) the caller's attempt: resuming keeps the deadline set at the start."""
    return attempt_begin(acting_user=acting_user, exam_id=exam_id)[0]


def attempt_begin(*, acting_user: Any, exam_id: int) -> tuple[Attempt, bool]:
    """``attempt_start``, and whether this call started the attempt (then it has no answers
    yet). Refused (PermissionDenied, ValidationError) for an exam the caller may not see, too."""
    attempt = visible_attempt(acting_user=acting_user, exam_id=exam_id)
    if attempt is None:
        attempt = _first_attempt(acting_user=acting_user, exam_id=exam_id)
    now = timezone.now()
    exam = attempt.exam
    if attempt.status == Attempt.Status.STARTED:
        if now > attempt.deadline_at + GRACE:  # type: ignore[operator]
            attempt_finish(attempt=attempt, timed_out=True)
            raise ValidationError(_("答题时间已到，试卷已自动交卷。"))
        _remember(acting_user, exam_id, attempt)
        return attempt, False
    problem = _window_problem(exam, now)
    if problem:
        raise ValidationError(problem)
    if attempt.finished:
        if attempt.number >= exam.attempts_allowed:
            raise ValidationError(
                _("您的答题次数已用完（本场考试可答 %(count)s 次）。") % {"count": exam.attempts_allowed}
            )
        member = attempt.member
        attempt = paper_for(exam=exam, member=member, number=attempt.number + 1)
        attempt.exam = exam
    deadline = min(now + timedelta(minutes=exam.time_limit_minutes), exam.closes_at)
    with transaction.atomic():
        marked = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.READY).update(
            status=Attempt.Status.STARTED, started_at=now, deadline_at=deadline
        )
        if marked:
            audit_record(
                event=EVENT_ATTEMPT_STARTED,
                actor=acting_user,
                target=attempt,
                after={"number": attempt.number, "deadline": deadline.isoformat()},
            )
    if not marked:  # a second click at the same moment: the first one started it
        return latest_attempt(acting_user=acting_user, exam_id=exam_id) or attempt, False
    attempt.status, attempt.started_at, attempt.deadline_at = Attempt.Status.STARTED, now, deadline
    _remember(acting_user, exam_id, attempt)
    return attempt, True


# What this process knows of the started attempts it has served: (schema, user id, exam id) ->
# (attempt id, deadline, {question id: (kind, option count)}). A started attempt's paper and
# deadline never change, and the upsert that uses them re-checks in the database that the
# attempt is still this user's, still started and in time; anything else (submitted, a further
# attempt, an unknown question) takes the full path, which forgets the entry or replaces it.
_KNOWN_MAX = 50_000
_known: dict[tuple[str, int, int], tuple[int, Any, dict[int, tuple[str, int]]]] = {}


def _remember(acting_user: Any, exam_id: int, attempt: Attempt) -> None:
    if len(_known) >= _KNOWN_MAX:
        _known.clear()
    paper = {int(e[0]): (str(e[1]), len(e[2])) for e in attempt.paper}
    _known[(connection.schema_name, acting_user.pk, exam_id)] = (attempt.pk, attempt.deadline_at, paper)


_UPSERT = """
INSERT INTO {answer} (attempt_id, question_id, given, saved_at, note)
SELECT a.id, %s, %s::jsonb, %s, '' FROM {attempt} a JOIN {member} m ON m.id = a.member_id
WHERE a.id = %s AND m.user_id = %s AND a.status = %s AND a.deadline_at >= %s
ON CONFLICT (attempt_id, question_id) DO UPDATE SET given = EXCLUDED.given, saved_at = EXCLUDED.saved_at
"""


def _answer_known(*, acting_user: Any, exam_id: int, question_id: int, given: Any, now: Any) -> Any:
    """The one-statement save (the deadline of the attempt), or None: the full path decides."""
    known = _known.get((connection.schema_name, acting_user.pk, exam_id))
    if known is None or question_id not in known[2]:
        return None
    attempt_id, deadline, paper = known
    kind, options = paper[question_id]
    try:
        stored = _given(kind, options, given)
    except ValidationError:
        return None  # the full path says what is wrong, in its order (no attempt, time up, the answer)
    sql = _UPSERT.format(answer=Answer._meta.db_table, attempt=Attempt._meta.db_table, member=Member._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [question_id, json.dumps(stored), now, attempt_id, acting_user.pk, Attempt.Status.STARTED, now - GRACE]
        )
        saved = cursor.rowcount
    if saved:
        return deadline
    _known.pop((connection.schema_name, acting_user.pk, exam_id), None)
    return None


def _given(kind: str, options: int, given: Any) -> list[Any]:
    """The answer as stored, or a ValidationError saying what is wrong with it."""
    values = given if isinstance(given, list) else [given]
    if kind in (Kind.BLANK, Kind.SHORT):
        text = str(values[0] if values else "")
        if len(text) > MAX_TEXT:
            raise ValidationError({"given": _("答案不能超过 %(max)s 字。") % {"max": MAX_TEXT}})
        return [text]
    try:
        indices = sorted({int(v) for v in values if str(v).strip() != ""})
    except (TypeError, ValueError):
        raise ValidationError({"given": _("请选择选项。")}) from None
    if any(not 0 <= i < options for i in indices):
        raise ValidationError({"given": _("所选选项不在本题之中。")})
    if kind != Kind.MULTIPLE and len(indices) > 1:
        raise ValidationError({"given": _("本题只能选一个选项。")})
    return indices


def answer_save(*, acting_user: Any, exam_id: int, question_id: int, given: Any) -> Any:
    """Store the caller's answer to one question of their started attempt, as given; returns the
    attempt's deadline."""
    now = timezone.now()
    deadline = _answer_known(acting_user=acting_user, exam_id=exam_id, question_id=question_id, given=given, now=now)
    if deadline is not None:
        return deadline
    attempt = (
        Attempt.objects.select_related("exam")
        .filter(exam_id=exam_id, member__user_id=acting_user.pk, status=Attempt.Status.STARTED)
        .first()
    )
    if attempt is None:
        raise ValidationError(_("您没有正在进行的答题，答案未保存。"))
    if now > attempt.deadline_at + GRACE:  # type: ignore[operator]
        attempt_finish(attempt=attempt, timed_out=True)
        raise ValidationError(_("答题时间已到，答案未保存，试卷已自动交卷。"))
    entry = next((e for e in attempt.paper if e[0] == question_id), None)
    if entry is None:
        raise ValidationError({"question": _("该题不在您的试卷中，答案未保存。")})
    stored = _given(entry[1], len(entry[2]), given)
    Answer.objects.bulk_create(
        [Answer(attempt=attempt, question_id=question_id, given=stored, saved_at=now)],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=["given", "saved_at"],
    )
    _remember(acting_user, exam_id, attempt)
    return attempt.deadline_at


def attempt_finish(*, attempt: Attempt, timed_out: bool, acting_user: Any = None) -> Attempt:
    """Submit ``attempt`` (once): mark what a machine can and record the score."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
        if locked.status != Attempt.Status.STARTED:
            return locked
        locked.submitted_at, locked.timed_out = timezone.now(), timed_out
        auto_mark(locked)
        locked.save(update_fields=["status", "submitted_at", "timed_out", "score", "pending_marks"])
        audit_record(
            event=EVENT_ATTEMPT_SUBMITTED,
            actor=acting_user,
            target=locked,
            after={"score": str(locked.score), "pending_marks": locked.pending_marks, "timed_out": timed_out},
        )
    return locked


def attempt_submit(*, acting_user: Any, exam_id: int) -> Attempt:
    attempt = latest_attempt(acting_user=acting_user, exam_id=exam_id)
    if attempt is None or attempt.status != Attempt.Status.STARTED:
        raise ValidationError(_("您没有正在进行的答题。"))
    timed_out = timezone.now() > attempt.deadline_at + GRACE  # type: ignore[operator]
    return attempt_finish(attempt=attempt, timed_out=timed_out, acting_user=acting_user)


def attempts_timed_out(*, now: Any = None) -> int:
    """The sweeper's step: submit every started attempt whose time is up."""
    due = Attempt.objects.filter(status=Attempt.Status.STARTED, deadline_at__lt=(now or timezone.now()) - GRACE)
    count = 0
    for attempt in due.only("pk")[:500]:
        attempt_finish(attempt=attempt, timed_out=True)
        count += 1
    return count
