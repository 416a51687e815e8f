"""The audit events of surveys (services/kernel/audit_events.py).

No event says what anyone answered: ``survey.answered`` names the survey and the person (who has
answered is not secret: it is what stops a second answer), ``survey.ballots_written`` only how
many anonymous ballots a batch wrote (docs/surveys.md#anonymous-mode)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_CREATED = declare(
    "survey.created", label=_("新建意见征集"), detail="after: title, mode, unit, roles, opens_on, closes_on"
)
EVENT_CHANGED = declare(
    "survey.changed",
    label=_("修改意见征集"),
    detail="before/after: the changed settings, or section/question added or removed",
)
EVENT_OPENED = declare("survey.opened", label=_("发布意见征集"), detail="after: questions, opens_on, closes_on")
EVENT_CLOSED = declare("survey.closed", label=_("结束意见征集"), detail="after: answered (how many)")
EVENT_DELETED = declare("survey.deleted", label=_("删除意见征集草稿"), detail="before: title")
EVENT_ANSWERED = declare(
    "survey.answered", label=_("提交意见征集答卷"), detail="nothing: never what was answered (anonymous or named)"
)
EVENT_BALLOTS_WRITTEN = declare(
    "survey.ballots_written", label=_("写入匿名答卷批次"), detail="after: ballots (how many); no person"
)
EVENT_EXPORTED = declare("survey.exported", label=_("导出意见征集结果"), detail="after: format")
