"""The console's tasks: the archive export, and the sign-in housekeeping of every schema
(expired sessions and the sign-in failure counters of services/accounts)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from services.accounts.lockout import counters_purge
from services.accounts.models import User
from services.accounts.sessions import index_sweep
from tenants.models import Institution
from tenants.tasks import institution_task


@institution_task(
    verbose_name=_("清理过期会话"), soft_time_limit=120, time_limit=180, memory_limit_mb=256, track_deliveries=False
)
def clear_expired_sessions() -> int:
    """Delete this institution's expired sessions (Django's clearsessions, per schema) and the
    sign-in failure counters with nothing left to remember."""
    return _clear_expired_sessions()


@shared_task(
    name="console.tasks.clear_expired_console_sessions",
    verbose_name=_("清理过期会话（平台）"),
    soft_time_limit=120,
    time_limit=180,
    memory_limit_mb=256,
)
def clear_expired_console_sessions() -> int:
    """The same for the console (the public schema): its operators' sessions and counters."""
    with schema_context("public"):
        return _clear_expired_sessions()


def _clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    index_sweep()  # the user-to-session index rows of the sessions just deleted
    counters_purge()
    return deleted


@shared_task(
    name="console.tasks.archive_institution",
    verbose_name=_("导出并归档学校"),
    soft_time_limit=3600,
    time_limit=3900,
    memory_limit_mb=1024,
)
def archive_institution(institution_id: int, acting_user_id: int | None = None) -> str:
    """Export an institution that institution_archive_start marked as archiving, then mark it
    archived. A duplicate delivery finds it archived and does nothing."""
    from .services import LifecycleRefused, institution_archive_finish

    with schema_context("public"):
        institution = Institution.objects.filter(pk=institution_id).first()
        if institution is None:
            return ""
        actor = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
        try:
            return institution_archive_finish(institution=institution, acting_user=actor).last_export_key
        except LifecycleRefused:
            return ""


@shared_task(
    name="console.tasks.move_institution",
    verbose_name=_("迁移学校数据库节点"),
    soft_time_limit=3600,
    time_limit=3900,
    memory_limit_mb=256,
)
def move_institution(institution_id: int, target: str, acting_user_id: int | None = None) -> str:
    """Move an institution's schema to the Citus worker ``target`` (moves.institution_move_start
    recorded and queued it); the outcome is in its audit rows."""
    from .moves import institution_move_run

    with schema_context("public"):
        institution = Institution.objects.filter(pk=institution_id).first()
        if institution is None:
            return ""
        actor = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
        return institution_move_run(institution=institution, target=target, acting_user=actor).phase
