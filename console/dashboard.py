"""The committee's dashboard settings: whether the dashboard ranks schools (off by default)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record

from . import audit_events
from .models import DashboardSettings

VIEWER_ROLES = ("committee", "operator")


def may_view(user: Any) -> bool:
    """Committee and operator accounts see the dashboard (de-identified aggregates only)."""
    return bool(user.is_authenticated and getattr(user, "platform_role", "") in VIEWER_ROLES)


def may_set_rankings(user: Any) -> bool:
    """Only the committee decides whether its dashboard ranks schools."""
    return bool(user.is_authenticated and getattr(user, "platform_role", "") == "committee")


def rankings_enabled() -> bool:
    return DashboardSettings.objects.filter(pk=1, rankings_enabled=True).exists()


def dashboard_rankings_set(*, enabled: bool, acting_user: Any) -> DashboardSettings:
    """Turn the dashboard's rankings on or off (committee accounts only; audited)."""
    if not may_set_rankings(acting_user):
        raise PermissionDenied(_("只有市教育工委可以设置看板排名。"))
    with transaction.atomic():
        settings, _created = DashboardSettings.objects.select_for_update().get_or_create(pk=1)
        before = settings.rankings_enabled
        settings.rankings_enabled = enabled
        settings.changed_by = acting_user.get_username()
        settings.changed_at = timezone.now()
        settings.save()
        audit_record(
            event=audit_events.DASHBOARD_RANKINGS_SET,
            actor=acting_user,
            target=settings,
            before={"rankings_enabled": before},
            after={"rankings_enabled": enabled},
        )
    return settings
