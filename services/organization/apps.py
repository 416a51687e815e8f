from typing import Any

from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "services.organization"
    label = "organization"
    verbose_name = "Organization"

    def ready(self) -> None:
        # A scope remembered for this request (scope.scopes_cached) is stale once a position, a
        # grant or a member's account link changes.
        from django.db.models.signals import post_delete, post_save

        from services.members.models import Member

        from .models import AdminGrant, Position
        from .scope import forget_scopes

        def forget(**_kwargs: Any) -> None:
            forget_scopes()

        for model in (Position, AdminGrant, Member):
            post_save.connect(forget, sender=model, dispatch_uid=f"forget-scopes-save-{model.__name__}", weak=False)
            post_delete.connect(forget, sender=model, dispatch_uid=f"forget-scopes-delete-{model.__name__}", weak=False)
