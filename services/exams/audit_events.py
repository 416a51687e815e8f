"""The audit events of the question bank and exams (services/kernel/audit_events.py). Saving one
answer is not an audit event: the answer row itself records what was given and when."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

# The question bank (bank.py, imports.py)
EVENT_QUESTION_SAVED = declare("exams.question_saved", label=_("保存试题"), detail="after: kind, category, active")
EVENT_QUESTIONS_IMPORTED = declare("exams.questions_imported", label=_("导入试题"), detail="after: unit, format, count")
EVENT_QUESTIONS_EXPORTED = declare("exams.questions_exported", label=_("导出试题"), detail="after: unit, count")
# Exams (setup.py, papers.py)
EVENT_EXAM_SAVED = declare("exams.exam_saved", label=_("保存考试"), detail="after: title, window, rules")
EVENT_EXAM_PUBLISHED = declare("exams.exam_published", label=_("发布考试"), detail="after: opens_at, closes_at")
EVENT_PAPERS_DRAWN = declare("exams.papers_drawn", label=_("生成试卷"), detail="after: papers")
# Taking and marking (taking.py, marking.py)
EVENT_ATTEMPT_STARTED = declare("exams.attempt_started", label=_("开始答题"), detail="after: number, deadline")
EVENT_ATTEMPT_SUBMITTED = declare(
    "exams.attempt_submitted", label=_("交卷"), detail="after: score, pending_marks, timed_out"
)
EVENT_ANSWER_MARKED = declare("exams.answer_marked", label=_("评阅简答题"), detail="after: points, note")
EVENT_LEADERBOARD_CHOICE = declare("exams.leaderboard_choice", label=_("竞赛排行榜选择"), detail="after: shown")
